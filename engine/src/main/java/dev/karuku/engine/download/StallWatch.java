package dev.karuku.engine.download;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/// Closes a response body that has delivered no bytes for a while, so a read blocked on a connection that went
/// silent (a Wi-Fi change, a sleeping router: no reset ever arrives) fails like a dropped connection and the fetcher
/// continues with a `Range` request. The JDK's HTTP client times out only until the headers arrive.
final class StallWatch implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("karuku-download-stall-watch").factory());

    private final Duration timeout;
    private final ScheduledFuture<?> check;
    private volatile long lastBytes = System.nanoTime();
    private volatile boolean stalled;

    StallWatch(Duration timeout, Runnable closeBody) {
        this.timeout = timeout;
        long period = Math.max(20, timeout.toMillis() / 4);
        check = TIMER.scheduleWithFixedDelay(() -> {
            if (stalled || System.nanoTime() - lastBytes < timeout.toNanos()) return;
            stalled = true;
            try {
                closeBody.run();
            } catch (RuntimeException ignored) {
                // the blocked read fails either way
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    void bytesArrived() {
        lastBytes = System.nanoTime();
    }

    /// What a read that failed meanwhile should be reported as: the stall, when this watch closed the body.
    IOException explain(IOException readFailure) {
        return stalled ? new IOException("no data for " + timeout.toSeconds() + " s", readFailure) : readFailure;
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
