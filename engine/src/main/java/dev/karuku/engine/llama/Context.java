package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import dev.karuku.engine.llama.internal.LogBridge;
import dev.karuku.engine.llama.internal.ThreadLog;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// A `llama_context *`: the KV cache and compute buffers for one sequence, plus the exact token sequence that is
/// in its KV cache ([#cachedTokens]), which makes prompt reuse possible: a new prompt that starts like the cached
/// one only evaluates the tokens after the common prefix ([#generate]).
///
/// Not thread-safe: one thread uses a context at a time, normally the [InferenceWorker] that owns it (a platform
/// thread, because a virtual thread inside a long native call pins its carrier). [Cancellation] may be signalled
/// from any thread. Native buffers for tokens, the batch and token pieces are allocated once, so generating a token
/// allocates nothing on the native side. Closing frees it; later use throws [IllegalStateException].
public final class Context implements AutoCloseable {

    private static final MethodHandle ABORT_TARGET;
    private static final MethodHandle EVAL_TARGET;

    static {
        try {
            ABORT_TARGET = MethodHandles.lookup().findVirtual(Context.class, "shouldAbort",
                    MethodType.methodType(boolean.class, MemorySegment.class));
            EVAL_TARGET = MethodHandles.lookup().findStatic(Context.class, "onEval",
                    MethodType.methodType(boolean.class, EvalObserver.class, MemorySegment.class, boolean.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Model model;
    private final Arena arena;
    private final LoadOptions options;
    private MemorySegment handle;
    private MemorySegment memory;
    private int size;
    private int batchSize;
    private MemorySegment tokenBuf;
    private MemorySegment batch;
    final MemorySegment pieceBuf;
    /// `pieceBuf`'s bytes on the Java side for [#decodePiece] (grown when needed, never per token).
    private byte[] pieceBytes = new byte[256];
    private int[] cached;
    private int cachedCount;
    private volatile Cancellation active = Cancellation.none();
    private final ThreadTuner tuner;
    private boolean adaptThreads = true;
    private int threadsSet;

    private final boolean cpuOnly;
    private final EvalObserver observer;
    /// A batch whose every entry asks for logits (positions and sequence set), for [#evaluateAll]; made on first use.
    private MemorySegment allBatch;
    private MemorySegment allPos;
    /// Speculative decoding for [#generate], or null.
    private Speculation speculation;

    /// Sees each node of the compute graph during `llama_decode` (llama.cpp's `cb_eval`): asked first whether it
    /// wants a node (`ask`), then shown the computed node, where it returns true to go on. Called on the decoding
    /// thread.
    interface EvalObserver {
        boolean observe(MemorySegment tensor, boolean ask);
    }

    private Context(Model model, LoadOptions options, boolean cpuOnly, EvalObserver observer) {
        this.model = model;
        this.cpuOnly = cpuOnly;
        this.observer = observer;
        this.options = options;
        this.arena = Arena.ofShared();
        this.pieceBuf = arena.allocate(256);
        this.tuner = new ThreadTuner(options.threads());
        this.threadsSet = options.threads();
    }

    static Context create(Model model, LoadOptions o) {
        return create(model, o, false);
    }

    static Context create(Model model, LoadOptions o, boolean cpuOnly) {
        return create(model, o, cpuOnly, null);
    }

    static Context create(Model model, LoadOptions o, boolean cpuOnly, EvalObserver observer) {
        Context c = new Context(model, o, cpuOnly, observer);
        try {
            c.init();
            return c;
        } catch (RuntimeException | Error e) {
            c.arena.close();
            throw e;
        }
    }

    private void init() {
        try (Arena tmp = Arena.ofConfined(); ThreadLog log = ThreadLog.start()) {
            MemorySegment p = (MemorySegment) Fn.llama_context_default_params.invokeExact((SegmentAllocator) tmp);
            p.set(JAVA_INT, Abi.CP_N_CTX, options.settings().contextLength());
            p.set(JAVA_INT, Abi.CP_N_BATCH, options.settings().batch());
            p.set(JAVA_INT, Abi.CP_N_UBATCH, Math.min(options.settings().ubatch(), options.settings().batch()));
            p.set(JAVA_INT, Abi.CP_N_THREADS, options.threads());
            p.set(JAVA_INT, Abi.CP_N_THREADS_BATCH, options.batchThreads());
            p.set(JAVA_INT, Abi.CP_FLASH_ATTN_TYPE, options.settings().flashAttention().nativeValue());
            p.set(JAVA_INT, Abi.CP_TYPE_K, options.settings().kvType().ggmlType());
            p.set(JAVA_INT, Abi.CP_TYPE_V, options.settings().kvType().ggmlType());
            if (cpuOnly) { // no KV cache or batch matmuls on a GPU either
                p.set(JAVA_BOOLEAN, Abi.CP_OFFLOAD_KQV, false);
                p.set(JAVA_BOOLEAN, Abi.CP_OP_OFFLOAD, false);
            }
            MemorySegment abort = Linker.nativeLinker().upcallStub(ABORT_TARGET.bindTo(this),
                    FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), arena);
            p.set(ADDRESS, Abi.CP_ABORT_CALLBACK, abort);
            if (observer != null) {
                MemorySegment eval = Linker.nativeLinker().upcallStub(EVAL_TARGET.bindTo(observer),
                        FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_BOOLEAN, ADDRESS), arena);
                p.set(ADDRESS, Abi.CP_CB_EVAL, eval);
            }
            MemorySegment raw = (MemorySegment) Fn.llama_init_from_model.invokeExact(model.handle(), p);
            if (raw.equals(MemorySegment.NULL))
                throw new LlamaException("cannot create a context for " + model.file().getFileName() + ": "
                        + log.reason("llama.cpp refused the context settings"), log.lines());
            handle = raw.reinterpret(arena, Context::free);
            // Scoped to our arena too, so a use after close throws instead of touching freed memory.
            memory = ((MemorySegment) Fn.llama_get_memory.invokeExact(handle)).reinterpret(arena, null);
            size = (int) Fn.llama_n_ctx.invokeExact(handle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        batchSize = Math.max(1, Math.min(options.settings().batch(), size));
        tokenBuf = arena.allocate(JAVA_INT, batchSize);
        batch = arena.allocate(Abi.BATCH); // zeroed: pos, seq ids and logits NULL = llama_batch_get_one
        batch.set(ADDRESS, Abi.BATCH_TOKEN, tokenBuf);
        cached = new int[size];
    }

    private static void free(MemorySegment ctx) {
        try {
            Fn.llama_free.invokeExact(ctx);
        } catch (Throwable ignored) {
            // closing
        }
    }

    /// ggml's eval callback. An exception must never reach native code: a failing observer declines the node when
    /// asked, and lets the computation go on when shown one (false there would stop the graph half computed).
    private static boolean onEval(EvalObserver observer, MemorySegment tensor, boolean ask, MemorySegment userData) {
        try {
            return observer.observe(tensor, ask);
        } catch (Throwable t) {
            return !ask;
        }
    }

    /// Called by ggml between graph nodes during `llama_decode`: true aborts the decode.
    private boolean shouldAbort(MemorySegment data) {
        return active.isCancelled();
    }

    MemorySegment handle() {
        if (!arena.scope().isAlive()) throw new IllegalStateException("this context is closed");
        return handle;
    }

    public Model model() {
        return model;
    }

    public LoadOptions options() {
        return options;
    }

    /// Tokens the context holds (`n_ctx`).
    public int size() {
        return size;
    }

    /// A copy of the tokens now in the KV cache, in order.
    public int[] cachedTokens() {
        return Arrays.copyOf(cached, cachedCount);
    }

    public int cachedTokenCount() {
        return cachedCount;
    }

    /// Evaluates `tokens` after what is cached, in batches. Returns false when cancelled (what was evaluated
    /// stays cached).
    ///
    /// @throws ContextOverflowException when they do not fit (nothing is evaluated)
    /// @throws LlamaException when llama.cpp fails (its reason in the message)
    public boolean evaluate(int[] tokens, int from, int to, Cancellation cancel) {
        handle();
        if (cachedCount + (to - from) > size) throw new ContextOverflowException(cachedCount + (to - from), size);
        active = cancel;
        try {
            for (int i = from; i < to; i += batchSize) {
                if (cancel.isCancelled()) return false;
                int n = Math.min(batchSize, to - i);
                MemorySegment.copy(tokens, i, tokenBuf, JAVA_INT, 0, n);
                System.arraycopy(tokens, i, cached, cachedCount, n); // staged: counted once decoded
                if (!decode(n)) return false;
            }
            return true;
        } finally {
            active = Cancellation.none();
        }
    }

    /// Evaluates one token (a generated one) without allocating, with the threads [ThreadTuner] chooses.
    boolean evaluateOne(int token, Cancellation cancel) {
        if (cachedCount + 1 > size) throw new ContextOverflowException(cachedCount + 1, size);
        tokenBuf.setAtIndex(JAVA_INT, 0, token);
        cached[cachedCount] = token;
        int threads = adaptThreads ? tuner.next() : options.threads();
        if (threads != threadsSet) setThreads(threads);
        active = cancel;
        long t0 = System.nanoTime();
        try {
            boolean done = decode(1);
            if (done && adaptThreads) tuner.record(threads, System.nanoTime() - t0);
            return done;
        } finally {
            active = Cancellation.none();
        }
    }

    /// Whether generation adapts its thread count to the load on the machine (on by default): between
    /// [LoadOptions#threads()] and one, whichever recent tokens show to be fastest. Off, it always uses
    /// [LoadOptions#threads()] (benchmarks compare the two).
    public void adaptThreads(boolean on) {
        handle();
        adaptThreads = on;
        if (!on && threadsSet != options.threads()) setThreads(options.threads());
    }

    /// Threads generation uses now (outside a probe of another count).
    public int generationThreads() {
        return adaptThreads ? tuner.current() : options.threads();
    }

    private void setThreads(int n) {
        try {
            Fn.llama_set_n_threads.invokeExact(handle(), n, options.batchThreads());
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        threadsSet = n;
    }

    /// Evaluates `tokens[0, n)` after what is cached in one decode, keeping the logits of every one of them (output
    /// `i` of the decode scores the token after `tokens[i]`): how speculative decoding checks proposed tokens.
    /// A single token goes through the same path as generation's, with the adaptive thread count. Returns false
    /// when cancelled (nothing of it is then cached, or what llama.cpp kept).
    boolean evaluateAll(int[] tokens, int n, Cancellation cancel) {
        if (n == 1) return evaluateOne(tokens[0], cancel);
        if (cachedCount + n > size) throw new ContextOverflowException(cachedCount + n, size);
        if (n > batchSize) throw new IllegalArgumentException(n + " tokens do not fit one batch of " + batchSize);
        if (allBatch == null) {
            allBatch = arena.allocate(Abi.BATCH);
            allPos = arena.allocate(JAVA_INT, batchSize);
            MemorySegment nSeq = arena.allocate(JAVA_INT, batchSize);
            MemorySegment seqZero = arena.allocate(JAVA_INT);
            MemorySegment seqIds = arena.allocate(ADDRESS, batchSize);
            MemorySegment wants = arena.allocate(JAVA_BYTE, batchSize);
            for (int k = 0; k < batchSize; k++) {
                nSeq.setAtIndex(JAVA_INT, k, 1);
                seqIds.setAtIndex(ADDRESS, k, seqZero);
                wants.set(JAVA_BYTE, k, (byte) 1);
            }
            allBatch.set(ADDRESS, Abi.BATCH_TOKEN, tokenBuf);
            allBatch.set(ADDRESS, Abi.BATCH_POS, allPos);
            allBatch.set(ADDRESS, Abi.BATCH_N_SEQ_ID, nSeq);
            allBatch.set(ADDRESS, Abi.BATCH_SEQ_ID, seqIds);
            allBatch.set(ADDRESS, Abi.BATCH_LOGITS, wants);
        }
        MemorySegment.copy(tokens, 0, tokenBuf, JAVA_INT, 0, n);
        for (int k = 0; k < n; k++) allPos.setAtIndex(JAVA_INT, k, cachedCount + k);
        System.arraycopy(tokens, 0, cached, cachedCount, n);
        int threads = generationThreads();
        if (threads != threadsSet) setThreads(threads);
        active = cancel;
        try {
            return decode(allBatch, n);
        } finally {
            active = Cancellation.none();
        }
    }

    /// Tokens one decode may hold (`n_batch`, at most the context).
    int batchSize() {
        return batchSize;
    }

    /// Makes [#generate] speculative: `s` proposes tokens, this context checks them several at a time. Null turns it
    /// off. The caller keeps `s`'s draft model and closes it after this context.
    public void useSpeculation(Speculation s) {
        handle();
        speculation = s;
    }

    /// The speculative decoding [#generate] uses, if any.
    public java.util.Optional<Speculation> speculation() {
        return java.util.Optional.ofNullable(speculation);
    }

    /// Told the next-token logits of one evaluated position.
    @FunctionalInterface
    public interface LogitsSink {
        /// @param index  the position's index in the token array given to [#evaluateWithLogits]
        /// @param logits `n_vocab` raw logits; the same array is reused for the next position
        void accept(int index, float[] logits);
    }

    /// Evaluates `tokens[from, to)` after what is cached, like [#evaluate], and hands `sink` the logits of every
    /// position from `outputFrom` on, in order (the logits at index `i` score the token at `i + 1`): how perplexity
    /// and KL divergence are measured. Returns false when cancelled.
    public boolean evaluateWithLogits(int[] tokens, int from, int to, int outputFrom, LogitsSink sink, Cancellation cancel) {
        handle();
        if (cachedCount + (to - from) > size) throw new ContextOverflowException(cachedCount + (to - from), size);
        int nVocab = model.info().vocabSize();
        float[] row = new float[nVocab];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment full = a.allocate(Abi.BATCH);
            MemorySegment pos = a.allocate(JAVA_INT, batchSize);
            MemorySegment nSeq = a.allocate(JAVA_INT, batchSize);
            MemorySegment seqZero = a.allocate(JAVA_INT); // every entry is in sequence 0
            MemorySegment seqIds = a.allocate(ADDRESS, batchSize);
            MemorySegment wants = a.allocate(JAVA_BYTE, batchSize);
            for (int k = 0; k < batchSize; k++) {
                nSeq.setAtIndex(JAVA_INT, k, 1);
                seqIds.setAtIndex(ADDRESS, k, seqZero);
            }
            full.set(ADDRESS, Abi.BATCH_TOKEN, tokenBuf);
            full.set(ADDRESS, Abi.BATCH_POS, pos);
            full.set(ADDRESS, Abi.BATCH_N_SEQ_ID, nSeq);
            full.set(ADDRESS, Abi.BATCH_SEQ_ID, seqIds);
            full.set(ADDRESS, Abi.BATCH_LOGITS, wants);
            active = cancel;
            for (int i = from; i < to; i += batchSize) {
                if (cancel.isCancelled()) return false;
                int n = Math.min(batchSize, to - i);
                MemorySegment.copy(tokens, i, tokenBuf, JAVA_INT, 0, n);
                for (int k = 0; k < n; k++) {
                    pos.setAtIndex(JAVA_INT, k, cachedCount + k);
                    wants.set(JAVA_BYTE, k, (byte) (i + k >= outputFrom ? 1 : 0));
                }
                System.arraycopy(tokens, i, cached, cachedCount, n);
                if (!decode(full, n)) return false;
                for (int k = 0; k < n; k++) {
                    if (i + k < outputFrom) continue;
                    MemorySegment logits;
                    try {
                        logits = (MemorySegment) Fn.llama_get_logits_ith.invokeExact(handle(), k);
                    } catch (Throwable t) {
                        throw Model.rethrow(t);
                    }
                    if (logits.equals(MemorySegment.NULL)) throw new LlamaException("llama.cpp kept no logits for position " + (i + k), List.of());
                    MemorySegment.copy(logits.reinterpret(4L * nVocab), JAVA_FLOAT, 0, row, 0, nVocab);
                    sink.accept(i + k, row);
                }
            }
            return true;
        } finally {
            active = Cancellation.none();
        }
    }

    private boolean decode(int n) {
        return decode(batch, n);
    }

    private boolean decode(MemorySegment batch, int n) {
        batch.set(JAVA_INT, Abi.BATCH_N_TOKENS, n);
        long mark = LogBridge.mark();
        int rc;
        try {
            rc = (int) Fn.llama_decode.invokeExact(handle(), batch);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        if (rc == 0) {
            cachedCount += n;
            return true;
        }
        resync(n);
        if (rc == 2) return false; // aborted by the callback
        List<LogLine> lines = LogBridge.linesSince(mark);
        if (rc == 1) throw new ContextOverflowException(cachedCount + n, size); // nothing of this batch was kept
        throw new LlamaException("llama_decode failed (" + rc + "): " + ThreadLog.reason(lines, "no reason logged"), lines);
    }

    /// After a failed or aborted decode of `n` staged tokens, trust llama.cpp about how much of the sequence is
    /// cached: an aborted decode keeps the micro-batches it finished.
    private void resync(int n) {
        try {
            int max = (int) Fn.llama_memory_seq_pos_max.invokeExact(memory, 0);
            cachedCount = Math.max(0, Math.min(cachedCount + n, max + 1));
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Keeps the first `keep` cached tokens and drops the rest from the KV cache.
    public void truncate(int keep) {
        handle();
        if (keep >= cachedCount) return;
        try {
            boolean ok = (boolean) Fn.llama_memory_seq_rm.invokeExact(memory, 0, Math.max(0, keep), -1);
            if (ok) {
                cachedCount = Math.max(0, keep);
                return;
            }
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        clear(); // some memories (recurrent) cannot drop a tail: start over
    }

    /// Empties the KV cache.
    public void clear() {
        handle();
        try {
            Fn.llama_memory_clear.invokeExact(memory, true);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        cachedCount = 0;
    }

    /// Makes the cache a prefix of `prompt` and returns how many tokens of it are reused. At least one token is
    /// always left to evaluate, because sampling needs the logits of the prompt's last token.
    public int reusePrefix(int[] prompt) {
        handle();
        int common = 0;
        int max = Math.min(cachedCount, prompt.length);
        while (common < max && cached[common] == prompt[common]) common++;
        if (common == prompt.length) common = Math.max(0, common - 1);
        truncate(common);
        return cachedCount;
    }

    /// Evaluates `prompt` (reusing the cached prefix) and generates after it, streaming text to `listener`.
    /// Runs on the calling thread until done, cancelled, or stopped.
    public GenerationResult generate(int[] prompt, GenerateOptions options, GenerationListener listener, Cancellation cancel) {
        if (speculation != null) return new SpeculativeGenerator(this, speculation, options, listener, cancel).run(prompt);
        return new Generator(this, options, listener, cancel).run(prompt);
    }

    /// Like [#generate(int[], GenerateOptions, GenerationListener, Cancellation)], with the output held to `grammar`
    /// (GBNF, root rule `root`; null for none).
    ///
    /// @throws GrammarException when llama.cpp does not accept the grammar
    public GenerationResult generate(int[] prompt, GenerateOptions options, String grammar, GenerationListener listener,
                                     Cancellation cancel) {
        if (grammar == null) return generate(prompt, options, listener, cancel);
        // speculation has no grammar sampler: a held answer is decoded token by token (the draft catches up later)
        return new Generator(this, options, grammar, listener, cancel).run(prompt);
    }

    /// The text `token` adds, through `utf8` (which holds back a character split across tokens): its bytes are read
    /// into this context's buffers, never allocated per token. On the generating thread.
    String decodePiece(Model model, int token, Utf8Accumulator utf8) {
        int n = model.pieceInto(token, pieceBuf);
        if (n < 0) throw new LlamaException("token " + token + " is longer than " + pieceBuf.byteSize() + " bytes");
        if (n > pieceBytes.length) pieceBytes = new byte[n];
        MemorySegment.copy(pieceBuf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, pieceBytes, 0, n);
        return utf8.append(pieceBytes, 0, n);
    }

    /// Frees the context. Idempotent.
    @Override
    public void close() {
        synchronized (this) {
            if (arena.scope().isAlive()) arena.close();
        }
        model.forget(this);
    }
}
