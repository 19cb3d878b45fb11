package dev.karuku.engine.llama;

import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// A llama.cpp sampler chain built from [SamplingParams], optionally behind a GBNF grammar; remembers the tokens it
/// chose (for the penalties and the grammar's state). Owned by an arena: [#close] frees it, later use throws
/// [IllegalStateException].
public final class Sampler implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment chain;
    /// Candidates for [#distribution]: `n_vocab` `llama_token_data` and their array header, allocated on first use.
    private MemorySegment candidates;
    private MemorySegment candidateArray;
    private float[] logitRow;

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

    /// The stages of [#create(Model, SamplingParams)] that shape the distribution — penalties (when `penalties`),
    /// top-k, top-p, min-p, temperature — without the final draw: for [#distribution], which speculative decoding
    /// needs to accept or reject proposed tokens. Not for greedy parameters.
    static Sampler shaping(Model model, SamplingParams params, boolean penalties) {
        if (params.isGreedy()) throw new IllegalArgumentException("a greedy choice has no distribution to shape");
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment cp = (MemorySegment) Fn.llama_sampler_chain_default_params.invokeExact((SegmentAllocator) tmp);
            MemorySegment raw = (MemorySegment) Fn.llama_sampler_chain_init.invokeExact(cp);
            if (raw.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp could not create a sampler");
            Sampler s = new Sampler(raw);
            try {
                s.addShapingStages(model, penalties ? params : params.withoutPenalties());
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
        addShapingStages(model, params.withoutPenalties());
        add((MemorySegment) Fn.llama_sampler_init_dist.invokeExact(params.seed()));
    }

    private void addShapingStages(Model model, SamplingParams params) throws Throwable {
        if (params.hasPenalties()) {
            int nVocab = model.info().vocabSize();
            int window = params.repeatLastN() < 0 ? Math.max(1, model.info().trainingContext()) : params.repeatLastN();
            add((MemorySegment) Fn.llama_sampler_init_penalties.invokeExact(nVocab, window,
                    params.repeatPenalty(), params.frequencyPenalty(), params.presencePenalty()));
        }
        if (params.topK() > 0) add((MemorySegment) Fn.llama_sampler_init_top_k.invokeExact(params.topK()));
        if (params.topP() < 1.0f) add((MemorySegment) Fn.llama_sampler_init_top_p.invokeExact(params.topP(), 1L));
        if (params.minP() > 0.0f) add((MemorySegment) Fn.llama_sampler_init_min_p.invokeExact(params.minP(), 1L));
        add((MemorySegment) Fn.llama_sampler_init_temp.invokeExact(params.temperature()));
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

    /// Chooses the next token from the logits of output `index` of the last decode of `context` (a batch entry that
    /// asked for logits; -1 = the last), and remembers it.
    int sample(Context context, int index) {
        try {
            return (int) Fn.llama_sampler_sample.invokeExact(handle(), context.handle(), index);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// The probabilities this (shaping) chain gives every token after output `index` of the last decode of
    /// `context` (-1 = the last): `probs[id]`, zero for the tokens its stages cut, summing to 1. Exactly what the final
    /// draw of the full chain would draw from.
    void distribution(Context context, int index, float[] probs) {
        int n = probs.length;
        try {
            MemorySegment logits = (MemorySegment) Fn.llama_get_logits_ith.invokeExact(context.handle(), index);
            if (logits.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp kept no logits for output " + index);
            if (candidates == null || logitRow.length != n) {
                candidates = arena.allocate(Abi.TOKEN_DATA, n);
                candidateArray = arena.allocate(Abi.TOKEN_DATA_ARRAY);
                logitRow = new float[n];
            }
            MemorySegment.copy(logits.reinterpret(4L * n), JAVA_FLOAT, 0, logitRow, 0, n);
            long stride = Abi.TOKEN_DATA.byteSize();
            for (int id = 0; id < n; id++) {
                long o = id * stride;
                candidates.set(JAVA_INT, o, id);
                candidates.set(JAVA_FLOAT, o + 4, logitRow[id]);
                candidates.set(JAVA_FLOAT, o + 8, 0f);
            }
            candidateArray.set(ADDRESS, Abi.TDA_DATA, candidates);
            candidateArray.set(JAVA_LONG, Abi.TDA_SIZE, n);
            candidateArray.set(JAVA_LONG, Abi.TDA_SELECTED, -1L);
            candidateArray.set(JAVA_BOOLEAN, Abi.TDA_SORTED, false);
            Fn.llama_sampler_apply.invokeExact(handle(), candidateArray);
            long size = candidateArray.get(JAVA_LONG, Abi.TDA_SIZE);
            MemorySegment data = candidateArray.get(ADDRESS, Abi.TDA_DATA).reinterpret(size * stride);
            java.util.Arrays.fill(probs, 0f);
            float max = Float.NEGATIVE_INFINITY;
            for (long i = 0; i < size; i++) max = Math.max(max, data.get(JAVA_FLOAT, i * stride + 4));
            double sum = 0;
            for (long i = 0; i < size; i++) {
                float l = data.get(JAVA_FLOAT, i * stride + 4);
                if (l == Float.NEGATIVE_INFINITY) continue;
                double e = Math.exp(l - max);
                probs[data.get(JAVA_INT, i * stride)] = (float) e;
                sum += e;
            }
            if (sum <= 0) throw new LlamaException("the sampler left no token to choose");
            float inv = (float) (1 / sum);
            for (long i = 0; i < size; i++) {
                int id = data.get(JAVA_INT, i * stride);
                probs[id] *= inv;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Remembers `token` as chosen (for the penalties), as [#sample] does for the tokens it chooses.
    void accept(int token) {
        try {
            Fn.llama_sampler_accept.invokeExact(handle(), token);
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
