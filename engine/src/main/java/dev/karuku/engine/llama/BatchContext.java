package dev.karuku.engine.llama;

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
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// A `llama_context *` shared by several sequences (`n_seq_max`), decoded together: each [#decode] evaluates one
/// batch that may hold tokens of every sequence, so the weights are read once per step for all of them
/// (continuous batching, as llama.cpp's server does it).
///
/// The KV cache is *unified* (`kv_unified`): one pool of `sequences × sequenceSize` cells that every sequence
/// draws from, which lets llama.cpp put a whole step into one micro-batch whatever sequences take part (with a
/// stream per sequence it splits a step at every gap between sequence ids, reading the weights again). Each
/// sequence is held to [#sequenceSize] tokens by its caller, so the pool never runs out.
///
/// Not thread-safe, like [Context]: one thread builds batches, decodes and samples. [Cancellation] passed to
/// [#decode] may be signalled from any thread and aborts the decode in progress. Closing frees it.
public final class BatchContext implements AutoCloseable {

    private static final MethodHandle ABORT_TARGET;

    static {
        try {
            ABORT_TARGET = MethodHandles.lookup().findVirtual(BatchContext.class, "shouldAbort",
                    MethodType.methodType(boolean.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Model model;
    private final LoadOptions options;
    private final int sequences;
    private final int sequenceSize;
    private final Arena arena = Arena.ofShared();
    private MemorySegment handle;
    private MemorySegment memory;
    private int capacity;
    private MemorySegment batch;
    private MemorySegment tokens;
    private MemorySegment positions;
    private MemorySegment seqIds;
    private MemorySegment logits;
    private int count;
    private boolean allOutputs = true;  // every token added asks for logits: a step of generated tokens only
    private final ThreadTuner tuner;
    private int threadsSet;
    private volatile Cancellation active = Cancellation.none();

    private BatchContext(Model model, LoadOptions options, int sequences, int sequenceSize) {
        this.model = model;
        this.options = options;
        this.sequences = sequences;
        this.sequenceSize = sequenceSize;
        this.tuner = new ThreadTuner(options.threads());
        this.threadsSet = -1; // the context starts with (threads, batchThreads)
    }

    /// A context for `sequences` sequences of `options.settings().contextLength()` tokens each (0 = the model's training
    /// context), with `options`' batch sizes, threads, KV type and flash attention.
    static BatchContext create(Model model, LoadOptions options, int sequences) {
        if (sequences < 1) throw new IllegalArgumentException("at least one sequence: " + sequences);
        int perSequence = options.settings().contextLength() > 0 ? options.settings().contextLength() : model.info().trainingContext();
        BatchContext c = new BatchContext(model, options, sequences, perSequence);
        try {
            c.init();
            return c;
        } catch (RuntimeException | Error e) {
            c.arena.close();
            throw e;
        }
    }

    private void init() {
        long total = (long) sequences * sequenceSize;
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("the context is too large: " + total + " tokens");
        try (Arena tmp = Arena.ofConfined(); ThreadLog log = ThreadLog.start()) {
            MemorySegment p = (MemorySegment) Fn.llama_context_default_params.invokeExact((SegmentAllocator) tmp);
            p.set(JAVA_INT, Abi.CP_N_CTX, (int) total);
            p.set(JAVA_INT, Abi.CP_N_BATCH, options.settings().batch());
            p.set(JAVA_INT, Abi.CP_N_UBATCH, Math.min(options.settings().ubatch(), options.settings().batch()));
            p.set(JAVA_INT, Abi.CP_N_SEQ_MAX, sequences);
            p.set(JAVA_BOOLEAN, Abi.CP_KV_UNIFIED, true);
            p.set(JAVA_INT, Abi.CP_N_THREADS, options.threads());
            p.set(JAVA_INT, Abi.CP_N_THREADS_BATCH, options.batchThreads());
            p.set(JAVA_INT, Abi.CP_FLASH_ATTN_TYPE, options.settings().flashAttention().nativeValue());
            p.set(JAVA_INT, Abi.CP_TYPE_K, options.settings().kvType().ggmlType());
            p.set(JAVA_INT, Abi.CP_TYPE_V, options.settings().kvType().ggmlType());
            MemorySegment abort = Linker.nativeLinker().upcallStub(ABORT_TARGET.bindTo(this),
                    FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS), arena);
            p.set(ADDRESS, Abi.CP_ABORT_CALLBACK, abort);
            MemorySegment raw = (MemorySegment) Fn.llama_init_from_model.invokeExact(model.handle(), p);
            if (raw.equals(MemorySegment.NULL))
                throw new LlamaException("cannot create a context for " + sequences + " sequences of "
                        + model.file().getFileName() + ": " + log.reason("llama.cpp refused the context settings"), log.lines());
            handle = raw.reinterpret(arena, BatchContext::free);
            memory = ((MemorySegment) Fn.llama_get_memory.invokeExact(handle)).reinterpret(arena, null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        // Our own llama_batch (llama_batch_init's layout, in our arena): one sequence id per token.
        capacity = Math.max(options.settings().batch(), sequences);
        tokens = arena.allocate(JAVA_INT, capacity);
        positions = arena.allocate(JAVA_INT, capacity);
        MemorySegment nSeqIds = arena.allocate(JAVA_INT, capacity);
        seqIds = arena.allocate(JAVA_INT, capacity);
        MemorySegment seqIdPointers = arena.allocate(ADDRESS, capacity);
        logits = arena.allocate(JAVA_BYTE, capacity);
        for (int i = 0; i < capacity; i++) {
            nSeqIds.setAtIndex(JAVA_INT, i, 1);
            seqIdPointers.setAtIndex(ADDRESS, i, seqIds.asSlice((long) i * Integer.BYTES, Integer.BYTES));
        }
        batch = arena.allocate(Abi.BATCH);
        batch.set(ADDRESS, Abi.BATCH_TOKEN, tokens);
        batch.set(ADDRESS, Abi.BATCH_POS, positions);
        batch.set(ADDRESS, Abi.BATCH_N_SEQ_ID, nSeqIds);
        batch.set(ADDRESS, Abi.BATCH_SEQ_ID, seqIdPointers);
        batch.set(ADDRESS, Abi.BATCH_LOGITS, logits);
    }

    private static void free(MemorySegment ctx) {
        try {
            Fn.llama_free.invokeExact(ctx);
        } catch (Throwable ignored) {
            // closing
        }
    }

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

    /// How many sequences may be decoded together (ids `0 … sequences-1`).
    public int sequences() {
        return sequences;
    }

    /// Tokens each sequence may hold: prompt and reply together.
    public int sequenceSize() {
        return sequenceSize;
    }

    /// The most tokens one [#decode] takes (`n_batch`).
    public int batchCapacity() {
        return capacity;
    }

    /// Tokens added since the last decode.
    public int pending() {
        return count;
    }

    /// Adds `token` at position `pos` of sequence `seq` to the next decode; with `wantLogits` its logits can be
    /// sampled afterwards at the returned index. Add a step's tokens in increasing `seq` order.
    public int add(int seq, int token, int pos, boolean wantLogits) {
        handle();
        if (count == capacity) throw new IllegalStateException("the batch is full (" + capacity + " tokens)");
        if (seq < 0 || seq >= sequences) throw new IllegalArgumentException("no sequence " + seq);
        if (pos < 0 || pos >= sequenceSize) throw new ContextOverflowException(pos + 1, sequenceSize);
        tokens.setAtIndex(JAVA_INT, count, token);
        positions.setAtIndex(JAVA_INT, count, pos);
        seqIds.setAtIndex(JAVA_INT, count, seq);
        logits.set(JAVA_BYTE, count, (byte) (wantLogits ? 1 : 0));
        allOutputs &= wantLogits;
        return count++;
    }

    /// Evaluates the tokens added since the last decode, then empties the batch. Returns false when `cancel`
    /// aborted it (what llama.cpp finished stays in the KV cache; callers drop the sequences they abandon).
    ///
    /// @throws LlamaException when llama.cpp fails (its reason in the message)
    public boolean decode(Cancellation cancel) {
        handle();
        if (count == 0) return true;
        int tokens = count;
        boolean generation = allOutputs;
        // Generation steps take the thread count ThreadTuner finds fastest (fewer than --threads while other programs
        // keep the cores busy, as the chat does); llama.cpp uses n_threads_batch for any step of more than one token,
        // so both are set. Steps with prompt chunks use the configured counts.
        int threads = generation ? tuner.next() : -1;
        setThreads(threads);
        batch.set(JAVA_INT, Abi.BATCH_N_TOKENS, tokens);
        active = cancel;
        long mark = LogBridge.mark();
        long t0 = System.nanoTime();
        int rc;
        try {
            rc = (int) Fn.llama_decode.invokeExact(handle, batch);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        } finally {
            active = Cancellation.none();
            count = 0;
            allOutputs = true;
        }
        if (rc == 0 && generation) tuner.record(threads, (System.nanoTime() - t0) / tokens);
        if (rc == 0) return true;
        if (rc == 2) return false;
        List<LogLine> lines = LogBridge.linesSince(mark);
        throw new LlamaException("llama_decode failed (" + rc + "): " + ThreadLog.reason(lines, "no reason logged"), lines);
    }

    /// Threads generation steps use now (outside a probe of another count).
    public int generationThreads() {
        return tuner.current();
    }

    /// `n` threads for every step (a generation step's choice), or -1 for the configured counts.
    private void setThreads(int n) {
        if (n == threadsSet) return;
        int gen = n < 0 ? options.threads() : n;
        int batchThreads = n < 0 ? options.batchThreads() : n;
        try {
            Fn.llama_set_n_threads.invokeExact(handle, gen, batchThreads);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
        threadsSet = n;
    }

    /// Drops every token of sequence `seq` from the KV cache, so the id can start a new sequence.
    public void removeSequence(int seq) {
        handle();
        try {
            boolean ok = (boolean) Fn.llama_memory_seq_rm.invokeExact(memory, seq, -1, -1);
            if (!ok) throw new LlamaException("llama.cpp could not drop sequence " + seq);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    /// Drops the tokens of sequence `seq` at positions `from` and later, keeping the prefix before them for the
    /// next prompt that starts the same way. False when llama.cpp cannot cut a sequence there (a model whose
    /// memory is not a plain KV cache): the caller then drops the whole sequence.
    public boolean removeTokens(int seq, int from) {
        handle();
        try {
            return (boolean) Fn.llama_memory_seq_rm.invokeExact(memory, seq, from, -1);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
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
