package dev.karuku.engine.worker;

import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/// One worker process seen from the supervisor: writes frames to its stdin, reads frames from its stdout on one
/// thread (which delivers text to the listeners) and its stderr into a [LogTail] on another. When the process
/// ends, every completion still in flight ends with [ServeException.Kind#WORKER_DIED] (or, when the supervisor
/// stopped it, [ServeException.Kind#INTERNAL]) carrying the log tail, and the supervisor is told once.
final class WorkerProcess {

    private static final System.Logger LOG = System.getLogger("karuku.worker");
    private static final int TAIL_LINES = 64;

    private final String model;
    private final Process process;
    private final OutputStream stdin;
    private final LogTail tail = new LogTail(TAIL_LINES);
    private final Map<Long, CompletionListener> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<LoadReport> loaded = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Integer>> counts = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong countIds = new java.util.concurrent.atomic.AtomicLong();
    private volatile LoadProgress progress = LoadProgress.NONE;
    private final BiConsumer<WorkerProcess, ServeException> onExit;
    private final Thread stderrReader;
    private final long startNanos = System.nanoTime();
    private volatile boolean stopping;
    private boolean exited; // guarded by this

    private WorkerProcess(String model, Process process, BiConsumer<WorkerProcess, ServeException> onExit) {
        this.model = model;
        this.process = process;
        this.stdin = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        this.onExit = onExit;
        this.stderrReader = Thread.ofPlatform().daemon().name("karuku-worker-log-" + process.pid())
                .start(() -> readLog(process.getErrorStream()));
        Thread.ofPlatform().daemon().name("karuku-worker-" + process.pid()).start(this::readFrames);
    }

    /// Starts a worker for `model` (a name for messages). `onExit` runs once when the process has ended, with the
    /// error its in-flight completions got.
    static WorkerProcess start(String model, List<String> command, BiConsumer<WorkerProcess, ServeException> onExit)
            throws IOException {
        Process p = new ProcessBuilder(command).start();
        LOG.log(System.Logger.Level.DEBUG, "worker {0} started for {1}", p.pid(), model);
        return new WorkerProcess(model, p, onExit);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /// Asks the worker to load `file`, telling `progress` how far it has come; completes with what the worker
    /// measured when it has (or fails with LOAD_FAILED or WORKER_DIED).
    CompletableFuture<LoadReport> load(Path file, LoadOptions options, int parallel, int queueLimit,
                                       SpeculativeSettings speculative, LoadProgress progress) {
        this.progress = progress;
        send(new WorkerMessage.Load(file, options, parallel, queueLimit, speculative));
        return loaded;
    }

    /// Tokens `messages` take as a chat prompt of the loaded model.
    CompletableFuture<Integer> count(List<dev.karuku.engine.chat.ChatMessage> messages) {
        long id = countIds.incrementAndGet();
        CompletableFuture<Integer> f = new CompletableFuture<>();
        synchronized (this) {
            if (exited) {
                f.completeExceptionally(died("it had already ended"));
                return f;
            }
            counts.put(id, f);
        }
        send(new WorkerMessage.Count(id, messages));
        return f;
    }

    /// Starts a completion; `listener` hears its text and exactly one end.
    void submit(long id, CompletionRequest request, CompletionListener listener) {
        synchronized (this) {
            if (exited) {
                listener.onError(died("it had already ended"));
                return;
            }
            inFlight.put(id, listener);
        }
        send(new WorkerMessage.Submit(id, request));
    }

    void cancel(long id) {
        if (inFlight.containsKey(id)) send(new WorkerMessage.Cancel(id));
    }

    /// Asks the worker to close its model and exit, waits up to `grace`, then kills it; returns when it is gone,
    /// and with it every byte of its memory.
    void stop(Duration grace) {
        stopping = true;
        send(new WorkerMessage.Shutdown());
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /// Ends the process at once (JVM shutdown).
    void kill() {
        stopping = true;
        process.destroyForcibly();
    }

    private void send(WorkerMessage m) {
        synchronized (stdin) {
            try {
                WorkerProtocol.write(stdin, m);
            } catch (IOException e) {
                // The process is ending; the frame reader sees it and fails what is in flight.
            }
        }
    }

    private void readLog(InputStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                tail.add(line);
                LOG.log(System.Logger.Level.TRACE, "worker {0}: {1}", process.pid(), line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void readFrames() {
        InputStream out = new BufferedInputStream(process.getInputStream(), 1 << 16);
        String broken = null;
        try {
            WorkerMessage m;
            while ((m = WorkerProtocol.read(out)) != null) dispatch(m);
        } catch (IOException e) {
            broken = e.getMessage();
        } catch (RuntimeException e) {
            broken = e.toString();
        }
        if (broken != null && process.isAlive()) {
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) { // a foreign frame, not a dying process
                    tail.add("karuku: the worker's output is not Karuku's protocol (" + broken + ")");
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
        int code;
        try {
            code = process.waitFor();
            stderrReader.join(Duration.ofSeconds(5)); // its last lines (the assert) before anyone reads the tail
        } catch (InterruptedException e) {
            code = -1;
        }
        exited(code);
    }

    private void dispatch(WorkerMessage m) {
        switch (m) {
            case WorkerMessage.Loaded l -> {
                LOG.log(System.Logger.Level.DEBUG, "worker {0} loaded {1} in {2} ms", process.pid(), model,
                        (System.nanoTime() - startNanos) / 1_000_000);
                progress = LoadProgress.NONE;
                loaded.complete(l.report());
            }
            case WorkerMessage.Progress p -> progress.loading(p.fraction());
            case WorkerMessage.Prompt p -> {
                CompletionListener l = inFlight.get(p.id());
                if (l != null) l.onPrompt(p.tokens());
            }
            case WorkerMessage.Counted c -> {
                CompletableFuture<Integer> f = counts.remove(c.id());
                if (f == null) break;
                if (c.error() == null) f.complete(c.tokens());
                else f.completeExceptionally(new ServeException(ServeException.Kind.INTERNAL, c.error()));
            }
            case WorkerMessage.LoadFailed f -> loaded.completeExceptionally(
                    new ServeException(ServeException.Kind.LOAD_FAILED, f.reason(), null, tail.lines(), null));
            case WorkerMessage.Text t -> {
                CompletionListener l = inFlight.get(t.id());
                if (l != null) l.onText(t.piece());
            }
            case WorkerMessage.Complete c -> {
                CompletionListener l = inFlight.remove(c.id());
                if (l != null) l.onComplete(new CompletionResult(c.reason(), c.stats()));
            }
            case WorkerMessage.Error e -> {
                CompletionListener l = inFlight.remove(e.id());
                if (l != null) l.onError(new ServeException(e.kind(), e.message(),
                        e.kind() == ServeException.Kind.BUSY ? Duration.ofSeconds(1) : null, List.of(), null));
            }
            default -> tail.add("karuku: unexpected " + m.getClass().getSimpleName() + " from the worker");
        }
    }

    private void exited(int code) {
        ServeException error = stopping && code == 0
                ? new ServeException(ServeException.Kind.INTERNAL, "the model " + model + " was unloaded")
                : died(describe(code));
        synchronized (this) {
            exited = true;
        }
        LOG.log(stopping ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "worker {0} for {1} ended: {2}",
                process.pid(), model, error.getMessage());
        onExit.accept(this, error); // first, so the model shows FAILED when its listeners hear why
        loaded.completeExceptionally(error);
        for (Long id : List.copyOf(counts.keySet())) {
            CompletableFuture<Integer> f = counts.remove(id);
            if (f != null) f.completeExceptionally(error);
        }
        for (Long id : List.copyOf(inFlight.keySet())) {
            CompletionListener l = inFlight.remove(id);
            if (l != null) l.onError(error);
        }
    }

    private ServeException died(String how) {
        String reason = tail.reason();
        String message = "the worker process serving " + model + " " + how
                + (reason == null ? "" : "; llama.cpp's last words: " + reason);
        return new ServeException(ServeException.Kind.WORKER_DIED, message, null, tail.lines(), null);
    }

    private String describe(int code) {
        if (stopping) return "was stopped (exit code " + code + ")";
        return switch (code) {
            case 134 -> "aborted (exit code 134, SIGABRT)";
            case 137 -> "was killed (exit code 137, SIGKILL)";
            case 139 -> "crashed (exit code 139, SIGSEGV)";
            case 135 -> "crashed (exit code 135, SIGBUS)";
            default -> "exited with code " + code;
        };
    }
}
