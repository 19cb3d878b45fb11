package dev.karuku.engine.worker;

import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/// What one completion delivered: its pieces, then its result or its error.
final class Collector implements CompletionListener {

    final List<String> pieces = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstPiece = new CompletableFuture<>();
    final CompletableFuture<Object> end = new CompletableFuture<>();
    volatile int ends;

    @Override
    public void onText(String piece) {
        pieces.add(piece);
        firstPiece.complete(piece);
    }

    @Override
    public void onComplete(CompletionResult result) {
        ends++;
        end.complete(result);
    }

    @Override
    public void onError(ServeException error) {
        ends++;
        end.complete(error);
    }

    String text() {
        return String.join("", pieces);
    }

    CompletionResult result() throws InterruptedException, ExecutionException, TimeoutException {
        Object o = end.get(120, TimeUnit.SECONDS);
        if (o instanceof ServeException e) throw new AssertionError("the completion failed: " + e.kind() + " " + e.getMessage(), e);
        return (CompletionResult) o;
    }

    ServeException error() throws InterruptedException, ExecutionException, TimeoutException {
        Object o = end.get(120, TimeUnit.SECONDS);
        if (o instanceof CompletionResult r) throw new AssertionError("the completion ended without an error: " + r + " " + text());
        return (ServeException) o;
    }
}
