package dev.karuku.engine.llama;

import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/// A llama.cpp sampler chain built from [SamplingParams], optionally behind a GBNF grammar; remembers the tokens it
/// chose (for the penalties and the grammar's state). Owned by an arena: [#close] frees it, later use throws
/// [IllegalStateException].
public final class Sampler implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment chain;

    private Sampler(MemorySegment raw) {
        this.chain = raw.reinterpret(arena, Sampler::free);
    }

    /// Greedy when `params.temperature()` is 0; else penalties → top-k → top-p → min-p → temperature → draw.
    public static Sampler create(Model model, SamplingParams params) {
        return create(model, params, null);
    }

    /// Like [#create(Model, SamplingParams)], with `grammar` (GBNF, root rule `root`; null for none) first in the
    /// chain: tokens the grammar does not allow next, and end-of-generation before it is complete, never win.
    ///
    /// @throws GrammarException when llama.cpp does not accept the grammar (its reason in the message)
    public static Sampler create(Model model, SamplingParams params, String grammar) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cp = (MemorySegment) Fn.llama_sampler_chain_default_params.invokeExact((SegmentAllocator) tmp);
            MemorySegment raw = (MemorySegment) Fn.llama_sampler_chain_init.invokeExact(cp);
            if (raw.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp could not create a sampler");
            Sampler s = new Sampler(raw);
            try {
                if (grammar != null) s.add(grammarStage(model, grammar, tmp));
                s.addStages(model, params);
            } catch (RuntimeException | Error e) {
                s.close();
                throw e;
            }
            return s;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    private static MemorySegment grammarStage(Model model, String grammar, Arena tmp) throws Throwable {
        try (ThreadLog log = ThreadLog.start()) {
            MemorySegment g = (MemorySegment) Fn.llama_sampler_init_grammar.invokeExact(model.vocab(),
                    tmp.allocateFrom(grammar), tmp.allocateFrom("root"));
            if (g.equals(MemorySegment.NULL)) throw new GrammarException(log.reason("llama.cpp refused it"), log.lines());
            return g;
        }
    }

    private void addStages(Model model, SamplingParams params) throws Throwable {
        if (params.hasPenalties()) {
            int nVocab = model.info().vocabSize();
            // llama.cpp reads a negative window as 0 (off): "the whole context" is the most a context can hold.
            int window = params.repeatLastN() < 0 ? Math.max(1, model.info().trainingContext()) : params.repeatLastN();
            add((MemorySegment) Fn.llama_sampler_init_penalties.invokeExact(nVocab, window,
                    params.repeatPenalty(), params.frequencyPenalty(), params.presencePenalty()));
        }
        if (params.isGreedy()) {
            add((MemorySegment) Fn.llama_sampler_init_greedy.invokeExact());
            return;
        }
        if (params.topK() > 0) add((MemorySegment) Fn.llama_sampler_init_top_k.invokeExact(params.topK()));
        if (params.topP() < 1.0f) add((MemorySegment) Fn.llama_sampler_init_top_p.invokeExact(params.topP(), 1L));
        if (params.minP() > 0.0f) add((MemorySegment) Fn.llama_sampler_init_min_p.invokeExact(params.minP(), 1L));
        add((MemorySegment) Fn.llama_sampler_init_temp.invokeExact(params.temperature()));
        add((MemorySegment) Fn.llama_sampler_init_dist.invokeExact(params.seed()));
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

    /// Chooses the next token from the logits of output `index` of the last decode of `context` (the batch
    /// position of a token that asked for logits), and remembers it.
    public int sample(BatchContext context, int index) {
        try {
            return (int) Fn.llama_sampler_sample.invokeExact(handle(), context.handle(), index);
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
