package dev.karuku.engine.batch;

import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/// Delivers one completion's events to its listener in order, on a virtual thread, never on the scheduler's: a
/// client that reads slowly (a listener that blocks on its socket) holds up only itself, not every sequence of the
/// batch. Exactly one of [#complete] and [#fail] gets through; later events are dropped.
final class Mailbox {

    private static final Logger LOG = Logger.getLogger(Mailbox.class.getName());

    private final CompletionListener listener;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    Mailbox(CompletionListener listener, Executor executor) {
        this.listener = listener;
        this.executor = executor;
    }

    void text(String piece) {
        if (!piece.isEmpty() && !ended.get()) post(() -> listener.onText(piece));
    }

    /// The model starts reading `tokens` new prompt tokens.
    void prompt(int tokens) {
        if (!ended.get()) post(() -> listener.onPrompt(tokens));
    }

    /// Ends the completion; false when it had already ended.
    boolean complete(CompletionResult result) {
        if (!ended.compareAndSet(false, true)) return false;
        post(() -> listener.onComplete(result));
        return true;
    }

    /// Ends the completion with an error; false when it had already ended.
    boolean fail(ServeException error) {
        if (!ended.compareAndSet(false, true)) return false;
        post(() -> listener.onError(error));
        return true;
    }

    boolean ended() {
        return ended.get();
    }

    private void post(Runnable event) {
        events.add(event);
        if (!draining.compareAndSet(false, true)) return;
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) { // the completer closed: its last events still reach the listener
            Thread.startVirtualThread(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable e;
            while ((e = events.poll()) != null) {
                try {
                    e.run();
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "a completion listener failed", ex);
                }
            }
            draining.set(false);
            if (events.isEmpty() || !draining.compareAndSet(false, true)) return;
        }
    }
}
