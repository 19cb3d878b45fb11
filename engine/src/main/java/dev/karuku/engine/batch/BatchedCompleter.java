package dev.karuku.engine.batch;

import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.chat.ThinkingText;
import dev.karuku.engine.llama.BatchContext;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.GrammarException;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.Sampler;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.Completer;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.serve.ServeException.Kind;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/// Many completions at once on one loaded model (continuous batching): `parallel` sequences share one
/// [BatchContext], and every step decodes all of them in one `llama_decode` — one token of each sequence that is
/// generating plus prompt chunks of those just admitted (up to `n_batch`) — so the weights are read once per step
/// for every client. A request joins or leaves between steps: when a sequence ends (or is cancelled) its tokens are
/// dropped from the KV cache and the next queued request takes its id.
///
/// ```java
/// try (BatchedCompleter c = BatchedCompleter.open(model, LoadOptions.defaults().withContextLength(4096), 4, 16)) {
///     Completion done = c.submit(CompletionRequest.chat("m", messages, GenerateOptions.defaults()), listener);
/// }
/// ```
///
/// - **Context:** each sequence holds `options.settings().contextLength()` tokens (prompt and reply); the context is
///   `parallel ×` that, in one unified KV pool (see [BatchContext]). A longer prompt is refused (INVALID).
/// - **Queue:** beyond `parallel` running, up to `queueLimit` wait in order; past that a request is refused with
///   BUSY and a `retryAfter` estimated from how long recent completions took.
/// - **Threads:** one platform thread owns the context and makes every llama call on it; prompts are formatted,
///   tokenized and their samplers built (a bad grammar is INVALID at once) on the submitting thread; listeners are
///   called on virtual threads, in order per completion, so a slow client holds up nobody else.
/// - **Prefix reuse:** a sequence that ends keeps its tokens in the KV cache; the next request is given the free
///   sequence whose tokens share the longest prefix with its prompt, and only the rest is evaluated (the next turn
///   of a chat reads its new message, not the whole conversation again).
/// - **Cancel:** [Completion#cancel] frees the sequence at the next step (`CANCELLED`), and aborts a step in
///   progress (a long prompt chunk) when every sequence in it is cancelled; [#close] cancels what runs, fails
///   what waits, and frees the context (and the model, when [#load] loaded it).
public final class BatchedCompleter implements LoadedCompleter {

    private static final Logger LOG = Logger.getLogger(BatchedCompleter.class.getName());

    private final Model model;
    private final boolean ownsModel;
    private final LoadOptions options;
    private final int parallel;
    private final int queueLimit;
    private final ChatTemplate template;
    private final ExecutorService listeners = Executors.newVirtualThreadPerTaskExecutor();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final CompletableFuture<BatchContext> started = new CompletableFuture<>();
    private final Thread scheduler;
    private int inFlight;                       // queued + running, under lock
    private volatile double averageNanos = 5e9;          // of recent completions, for Retry-After (scheduler thread writes)
    private volatile int sequenceSize;
    private volatile Cancellation step = new Cancellation(); // the decode in progress; cancelled to abort it
    private volatile Job[] running = new Job[0];             // the jobs of the decode in progress
    private volatile boolean closed;

    private BatchedCompleter(Model model, boolean ownsModel, LoadOptions options, int parallel, int queueLimit) {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        if (queueLimit < 0) throw new IllegalArgumentException("the queue limit must be 0 or more: " + queueLimit);
        this.model = model;
        this.ownsModel = ownsModel;
        this.options = options;
        this.parallel = parallel;
        this.queueLimit = queueLimit;
        this.template = ChatTemplate.of(model);
        this.scheduler = Thread.ofPlatform().name("karuku-batch-" + model.file().getFileName()).daemon(true)
                .unstarted(this::run);
    }

    /// Serves `model` (loaded by the caller, who closes it after this) with `parallel` sequences of
    /// `options.settings().contextLength()` tokens each and at most `queueLimit` waiting requests. Returns once the context
    /// exists.
    ///
    /// @throws LlamaException when llama.cpp cannot create the context (its reason in the message)
    public static BatchedCompleter open(Model model, LoadOptions options, int parallel, int queueLimit) {
        return start(new BatchedCompleter(model, false, options, parallel, queueLimit));
    }

    /// Loads `file` with `options` and serves it like [#open]; [#close] frees the model too.
    ///
    /// @throws dev.karuku.engine.llama.ModelLoadException when the model cannot be loaded
    public static BatchedCompleter load(LlamaRuntime runtime, Path file, LoadOptions options, int parallel, int queueLimit) {
        Model model = runtime.loadModel(file, options);
        try {
            return start(new BatchedCompleter(model, true, options, parallel, queueLimit));
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    private static BatchedCompleter start(BatchedCompleter c) {
        c.scheduler.start();
        try {
            c.sequenceSize = c.started.join().sequenceSize();
            return c;
        } catch (java.util.concurrent.CompletionException e) {
            c.listeners.shutdown();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    public int parallel() {
        return parallel;
    }

    @Override
    public int sequenceSize() {
        return sequenceSize;
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        Mailbox out = new Mailbox(listener, listeners);
        Job job;
        try {
            job = prepare(request, out);
        } catch (ServeException e) {
            out.fail(e);
            return () -> {};
        }
        lock.lock();
        try {
            if (closed) {
                job.sampler.close();
                out.fail(new ServeException(Kind.INTERNAL, "the model is being unloaded"));
                return job;
            }
            if (inFlight >= parallel + queueLimit) {
                job.sampler.close();
                out.fail(new ServeException(Kind.BUSY, "every sequence (" + parallel + ") is busy and " + queueLimit
                        + " requests are waiting: try again later", retryAfter(), List.of(), null));
                return job;
            }
            inFlight++;
            queue.add(job);
            work.signal();
        } finally {
            lock.unlock();
        }
        return job;
    }

    /// Formats, tokenizes and checks the request and builds its sampler, on the caller's thread.
    private Job prepare(CompletionRequest request, Mailbox out) throws ServeException {
        GenerateOptions generate = request.generate();
        Prompt prompt = Prompt.of(template, model, request, sequenceSize);
        Sampler sampler;
        try {
            sampler = Sampler.create(model, generate.sampling(), request.grammar());
        } catch (GrammarException e) {
            throw new ServeException(Kind.INVALID, e.getMessage(), null, List.of(), e);
        } catch (LlamaException | IllegalStateException e) {
            throw new ServeException(Kind.INTERNAL, e.getMessage(), null, List.of(), e);
        }
        // a template that opens the reply's thinking itself (DeepSeek-R1 distills): the model writes only `</think>`,
        // so the reply is given its opening tag, as a chat session gives it, and the thinking can be told apart
        if (prompt.opensThinking()) out.text(ThinkingText.OPEN + "\n");
        return new Job(prompt.tokens(), generate, prompt.stops(), sampler, out, this::cancelled);
    }

    @Override
    public ChatTemplate template() {
        return template;
    }

    @Override
    public int countTokens(List<dev.karuku.engine.chat.ChatMessage> messages) {
        return template.tokens(model, messages, true).length;
    }

    @Override
    public Model model() {
        return model;
    }

    /// A queued job that is cancelled ends at once; a running one at the scheduler's next step.
    private void cancelled(Job job) {
        lock.lock();
        try {
            if (!queue.remove(job)) {
                work.signal();
                Job[] r = running;
                boolean all = r.length > 0;
                for (Job j : r) all &= j.cancelled();
                if (all) step.cancel(); // a long prompt chunk of only cancelled sequences stops now
                return;
            }
            inFlight--;
        } finally {
            lock.unlock();
        }
        job.sampler.close();
        job.out.complete(new CompletionResult(StopReason.CANCELLED, new GenerationStats(0, 0, 0, 0, 0, 0)));
    }

    /// How long until a sequence is likely free: the recent average completion time, shared by the sequences.
    private Duration retryAfter() {
        double seconds = averageNanos / 1e9 * Math.max(1, queue.size()) / parallel;
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }

    // The scheduler thread.

    private void run() {
        BatchContext ctx;
        try {
            ctx = model.newBatchContext(options, parallel);
        } catch (RuntimeException | Error e) {
            started.completeExceptionally(e);
            return;
        }
        started.complete(ctx);
        Slot[] slots = new Slot[parallel];
        int[][] cached = new int[parallel][];
        try {
            while (admit(ctx, slots, cached)) step(ctx, slots, cached);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "the batch scheduler failed", e);
            fail(ctx, slots, new ServeException(Kind.INTERNAL, String.valueOf(e.getMessage()), null, List.of(), e));
        } finally {
            for (Slot s : slots) {
                if (s == null) continue;
                try {
                    end(ctx, slots, s, StopReason.CANCELLED, null);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not drop sequence " + s.seq + " while closing", e);
                }
            }
            ctx.close();
        }
    }

    /// Moves queued jobs into free sequences, each into the one whose cached tokens share the longest prefix with
    /// its prompt; waits while nothing runs. False when closing.
    private boolean admit(BatchContext ctx, Slot[] slots, int[][] cached) {
        lock.lock();
        try {
            while (true) {
                if (closed) return false;
                while (!queue.isEmpty()) {
                    Job job = queue.peek();
                    int best = -1, bestCommon = -1;
                    for (int i = 0; i < slots.length; i++) {
                        if (slots[i] != null) continue;
                        int common = commonPrefix(cached[i], job.prompt);
                        if (common > bestCommon) {
                            best = i;
                            bestCommon = common;
                        }
                    }
                    if (best < 0) break;
                    queue.poll();
                    int reused = Math.min(bestCommon, job.prompt.length - 1); // the last prompt token gives the logits
                    if (cached[best] != null && cached[best].length > reused) {
                        if (reused == 0 || !ctx.removeTokens(best, reused)) {
                            ctx.removeSequence(best);
                            reused = 0;
                        }
                    }
                    cached[best] = null;
                    slots[best] = new Slot(best, job, model, reused);
                    job.out.prompt(job.prompt.length - reused);
                }
                for (Slot s : slots) if (s != null) return true;
                work.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private static int commonPrefix(int[] a, int[] b) {
        if (a == null) return 0;
        int n = Math.min(a.length, b.length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    /// One decode for every running sequence: generated tokens first, then prompt chunks in what room is left.
    private void step(BatchContext ctx, Slot[] slots, int[][] cached) {
        for (Slot s : slots) if (s != null && s.job.cancelled()) end(ctx, slots, s, StopReason.CANCELLED, cached);
        int generating = 0;
        for (Slot s : slots) if (s != null && s.generating()) generating++;
        int room = ctx.batchCapacity() - generating;
        for (Slot s : slots) {
            if (s == null) continue;
            if (s.generating()) s.addToken(ctx);
            else if (s.promptLeft() > 0 && room > 0) room -= s.addPrompt(ctx, room);
        }
        if (ctx.pending() == 0) return;
        // the order matters: a cancel() that reads the old flag has set its job's flag before we look at it here
        Job[] jobs = java.util.Arrays.stream(slots).filter(java.util.Objects::nonNull).map(s -> s.job).toArray(Job[]::new);
        running = jobs;
        Cancellation flag = new Cancellation();
        step = flag;
        if (closed || java.util.Arrays.stream(jobs).allMatch(Job::cancelled)) flag.cancel();
        try {
            if (!ctx.decode(flag)) {
                if (closed) return; // run() cancels every slot
                // every sequence of this step was cancelled mid-decode: what llama.cpp evaluated is partial, so
                // nothing of them is kept
                for (Slot s : slots) if (s != null) end(ctx, slots, s, StopReason.CANCELLED, null);
                return;
            }
        } catch (LlamaException e) {
            fail(ctx, slots, new ServeException(Kind.INTERNAL, e.getMessage(), null, List.of(), e));
            return;
        }
        for (Slot s : slots) {
            if (s == null) continue;
            StopReason reason = s.afterDecode(ctx);
            if (reason != null) end(ctx, slots, s, reason, cached);
        }
    }

    /// Ends `s`; with `cached` its tokens stay in the KV cache for the next prompt that shares a prefix with them,
    /// without they are dropped.
    private void end(BatchContext ctx, Slot[] slots, Slot s, StopReason reason, int[][] cached) {
        slots[s.seq] = null;
        try {
            if (cached != null) cached[s.seq] = s.cached();
            else ctx.removeSequence(s.seq);
        } finally {
            if (reason != StopReason.STOP_STRING) s.flush();
            s.job.sampler.close();
            GenerationStats stats = s.stats();
            averageNanos = 0.8 * averageNanos + 0.2 * (stats.promptNanos() + stats.generationNanos());
            release(); // before the listener hears of the end: a client that asks again at once finds room
            s.job.out.complete(new CompletionResult(reason, stats));
        }
    }

    private void fail(BatchContext ctx, Slot[] slots, ServeException error) {
        for (Slot s : slots) {
            if (s == null) continue;
            slots[s.seq] = null;
            s.job.sampler.close();
            release();
            s.job.out.fail(error);
            try {
                ctx.removeSequence(s.seq);
            } catch (RuntimeException ignored) {
                // the context is in trouble already
            }
        }
    }

    private void release() {
        lock.lock();
        try {
            inFlight--;
        } finally {
            lock.unlock();
        }
    }

    /// Cancels what runs (it ends with CANCELLED), fails what waits, frees the context (and the model when this
    /// completer loaded it). Blocks until the memory is freed.
    @Override
    public void close() {
        List<Job> waiting;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            step.cancel();
            waiting = List.copyOf(queue);
            queue.clear();
            inFlight -= waiting.size();
            work.signal();
        } finally {
            lock.unlock();
        }
        for (Job j : waiting) {
            j.sampler.close();
            j.out.fail(new ServeException(Kind.INTERNAL, "the model was unloaded before this request started"));
        }
        if (Thread.currentThread() != scheduler) {
            boolean interrupted = false;
            while (scheduler.isAlive()) {
                try {
                    scheduler.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (ownsModel) model.close();
        listeners.shutdown(); // events already posted still reach their listeners; nobody waits for slow ones
    }
}
