package dev.karuku.engine.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/// A response body whose reads give up when no byte has arrived for `timeout`: the stream under it is closed,
/// and the blocked read fails with "no data for N s". The JDK's HTTP client times out only until the headers
/// arrive; a Hub or proxy that sends headers and then goes silent would otherwise hold a read forever.
final class IdleTimeoutStream extends FilterInputStream {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("karuku-hub-idle-timeout").factory());

    private final Duration timeout;
    private final ScheduledFuture<?> check;
    private volatile long lastActivity = System.nanoTime();
    private volatile int reading;
    private volatile boolean timedOut;

    IdleTimeoutStream(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
        long period = Math.max(20, timeout.toMillis() / 4);
        check = TIMER.scheduleWithFixedDelay(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private void checkIdle() {
        if (timedOut || reading == 0 || System.nanoTime() - lastActivity < timeout.toNanos()) return;
        timedOut = true;
        check.cancel(false);
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the blocked read fails either way
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (timedOut) throw stalled(null);
        synchronized (this) {
            reading++;
        }
        lastActivity = System.nanoTime();
        try {
            int n = in.read(b, off, len);
            lastActivity = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw timedOut ? stalled(e) : e;
        } finally {
            synchronized (this) {
                reading--;
            }
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    private IOException stalled(IOException cause) {
        // not a SocketTimeoutException: that is an InterruptedIOException, which callers treat as "stop"
        IOException e = new IOException("no data from the server for " + timeout.toMillis() / 1000.0 + " s");
        if (cause != null) e.initCause(cause);
        return e;
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
