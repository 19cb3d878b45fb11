package dev.karuku.engine.llama;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/// One named platform thread that owns a model's context and runs its jobs in order.
///
/// A llama context is not thread-safe, and a decode is a long native call: on a virtual thread it would pin the
/// carrier. So each loaded model gets this worker; callers submit jobs and get a [CompletableFuture], never
/// blocking their own thread (the JavaFX thread in the app). Jobs run one at a time in submission order.
public final class InferenceWorker implements AutoCloseable {

    private final ExecutorService executor;
    private volatile Thread thread;

    /// Starts a worker whose thread is named `karuku-inference-<name>` (visible in thread dumps and profilers).
    public InferenceWorker(String name) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().name("karuku-inference-" + name).daemon(true).unstarted(r);
            thread = t;
            return t;
        });
    }

    /// Runs `job` on the worker thread; the future completes with its value or exception.
    public <T> CompletableFuture<T> submit(Callable<T> job) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(job.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("this inference worker is closed"));
        }
        return f;
    }

    /// True when called from this worker's thread (jobs may use it to run nested work inline).
    public boolean isWorkerThread() {
        return Thread.currentThread() == thread;
    }

    /// Lets queued jobs finish, then stops the thread; waits for that. Queued jobs are never dropped: the last one
    /// usually frees native memory. Cancel generations first, so the wait is short.
    @Override
    public void close() {
        executor.shutdown();
        if (isWorkerThread()) return;
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
