package dev.karuku.engine.batch;

import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/// A listener that keeps what a completion produced: its text, how it ended, and when its first text came.
final class Recorder implements CompletionListener {

    final StringBuffer text = new StringBuffer();
    final CompletableFuture<CompletionResult> result = new CompletableFuture<>();
    final CountDownLatch firstText = new CountDownLatch(1);
    volatile long firstTextAt;
    volatile int ends;

    @Override
    public void onText(String piece) {
        text.append(piece);
        if (firstTextAt == 0) firstTextAt = System.nanoTime();
        firstText.countDown();
    }

    @Override
    public void onComplete(CompletionResult r) {
        ends++;
        result.complete(r);
    }

    @Override
    public void onError(ServeException error) {
        ends++;
        result.completeExceptionally(error);
    }

    CompletionResult await() {
        return result.orTimeout(60, TimeUnit.SECONDS).join();
    }

    ServeException awaitError() {
        try {
            CompletionResult r = result.orTimeout(60, TimeUnit.SECONDS).join();
            throw new AssertionError("expected an error, got " + r + " after '" + text + "'");
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ServeException s) return s;
            throw e;
        }
    }

    boolean awaitFirstText(Duration d) throws InterruptedException {
        return firstText.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
