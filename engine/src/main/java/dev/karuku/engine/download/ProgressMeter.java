package dev.karuku.engine.download;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/// Adds up bytes from any thread and reports at most ten times a second, with a smoothed rate and an ETA, so a
/// UI is never flooded with one event per network chunk.
final class ProgressMeter {

    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final long total;
    private final Consumer<DownloadProgress> sink;
    private final LongSupplier clock;
    private long done;
    private long lastEmit;
    private long lastBytes;
    private double rate;

    ProgressMeter(long total, Consumer<DownloadProgress> sink, LongSupplier nanoClock) {
        this.total = total;
        this.sink = sink;
        this.clock = nanoClock;
        this.lastEmit = nanoClock.getAsLong();
    }

    synchronized void add(long bytes) {
        done += bytes;
        long now = clock.getAsLong();
        long dt = now - lastEmit;
        if (dt < MIN_INTERVAL_NANOS) return;
        double instant = (done - lastBytes) * 1e9 / dt;
        rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant;
        lastEmit = now;
        lastBytes = done;
        sink.accept(snapshot());
    }

    synchronized long done() {
        return done;
    }

    synchronized DownloadProgress snapshot() {
        Optional<Duration> eta = rate > 1 ? Optional.of(Duration.ofSeconds((long) Math.ceil(Math.max(0, total - done) / rate)))
                : Optional.empty();
        return new DownloadProgress(done, total, rate, eta);
    }
}
