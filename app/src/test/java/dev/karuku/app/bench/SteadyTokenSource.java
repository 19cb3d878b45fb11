package dev.karuku.app.bench;

import dev.karuku.app.chat.ChatBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/// A [ChatBackend] that streams given pieces at a steady rate on its own platform thread, the way a llama context's
/// thread streams a real model's tokens (no model on this machine generates 2,000 tokens a second). Token `i` is
/// handed over at `start + i / rate`, so a late wake-up catches up in a burst, like a model's uneven steps.
/// Remembers what it sent, to compare with what the view shows.
final class SteadyTokenSource implements ChatBackend {
    private final List<String> pieces;
    private final double tokensPerSecond;
    private volatile Run last;

    SteadyTokenSource(List<String> pieces, double tokensPerSecond) {
        this.pieces = pieces;
        this.tokensPerSecond = tokensPerSecond;
    }

    /// One reply: what was sent, and when it started and ended.
    static final class Run {
        final StringBuilder sent = new StringBuilder();
        final CountDownLatch finished = new CountDownLatch(1);
        volatile boolean stop;
        volatile int tokens;
        volatile long startNanos;
        volatile long endNanos;

        String sent() {
            synchronized (sent) {
                return sent.toString();
            }
        }
    }

    Run last() {
        return last;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        Run run = new Run();
        last = run;
        int limit = Math.min(pieces.size(), request.sampling().maxTokens());
        Thread.ofPlatform().name("bench-generation").start(() -> {
            long start = System.nanoTime();
            run.startNanos = start;
            int n = 0;
            while (!run.stop && n < limit) {
                long due = (long) ((System.nanoTime() - start) * tokensPerSecond / 1e9) + 1;
                while (n < due && n < limit && !run.stop) {
                    String piece = pieces.get(n++);
                    synchronized (run.sent) {
                        run.sent.append(piece);
                    }
                    run.tokens = n;
                    listener.token(piece);
                }
                long next = start + (long) (n * 1e9 / tokensPerSecond);
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
            run.endNanos = System.nanoTime();
            double secs = (run.endNanos - start) / 1e9;
            listener.done(new Result(n, n / Math.max(secs, 1e-3), 0, run.stop, n));
            run.finished.countDown();
        });
        return () -> run.stop = true;
    }

    @Override
    public int contextLength() {
        return 32_768;
    }

    /// One token per character (the benchmark never reopens a conversation).
    @Override
    public java.util.concurrent.CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
        return java.util.concurrent.CompletableFuture.completedFuture(Math.min(contextLength(),
                turns.stream().mapToInt(t -> t.text().length()).sum()));
    }
}
