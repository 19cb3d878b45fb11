package dev.karuku.engine.llama;

import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.internal.Fn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/// A llama.cpp sampler chain built from [SamplingParams]; remembers the tokens it chose (for the repeat
/// penalty). Owned by an arena: [#close] frees it, later use throws [IllegalStateException].
public final class Sampler implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment chain;

    private Sampler(MemorySegment raw) {
        this.chain = raw.reinterpret(arena, Sampler::free);
    }

    /// Greedy when `params.temperature()` is 0; else penalties → top-k → top-p → min-p → temperature → draw.
    public static Sampler create(Model model, SamplingParams params) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cp = (MemorySegment) Fn.llama_sampler_chain_default_params.invokeExact((SegmentAllocator) tmp);
            MemorySegment raw = (MemorySegment) Fn.llama_sampler_chain_init.invokeExact(cp);
            if (raw.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp could not create a sampler");
            Sampler s = new Sampler(raw);
            if (params.repeatPenalty() != 1.0f && params.repeatLastN() != 0) {
                int nVocab = model.info().vocabSize();
                s.add((MemorySegment) Fn.llama_sampler_init_penalties.invokeExact(nVocab, params.repeatLastN(),
                        params.repeatPenalty(), 0.0f, 0.0f));
            }
            if (params.isGreedy()) {
                s.add((MemorySegment) Fn.llama_sampler_init_greedy.invokeExact());
                return s;
            }
            if (params.topK() > 0) s.add((MemorySegment) Fn.llama_sampler_init_top_k.invokeExact(params.topK()));
            if (params.topP() < 1.0f) s.add((MemorySegment) Fn.llama_sampler_init_top_p.invokeExact(params.topP(), 1L));
            if (params.minP() > 0.0f) s.add((MemorySegment) Fn.llama_sampler_init_min_p.invokeExact(params.minP(), 1L));
            s.add((MemorySegment) Fn.llama_sampler_init_temp.invokeExact(params.temperature()));
            s.add((MemorySegment) Fn.llama_sampler_init_dist.invokeExact(params.seed()));
            return s;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    private void add(MemorySegment sampler) throws Throwable {
        if (sampler.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp could not create a sampler stage");
        Fn.llama_sampler_chain_add.invokeExact(handle(), sampler); // the chain owns it from now on
    }

    private MemorySegment handle() {
        if (!arena.scope().isAlive()) throw new IllegalStateException("this sampler is closed");
        return chain;
    }

    /// Chooses the next token from the logits of the context's last evaluated token, and remembers it.
    public int sample(Context context) {
        try {
            return (int) Fn.llama_sampler_sample.invokeExact(handle(), context.handle(), -1);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Forgets the tokens chosen so far (the repeat penalty's memory).
    public void reset() {
        try {
            Fn.llama_sampler_reset.invokeExact(handle());
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    private static void free(MemorySegment chain) {
        try {
            Fn.llama_sampler_free.invokeExact(chain);
        } catch (Throwable ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (arena.scope().isAlive()) arena.close();
        }
    }
}
