package dev.karuku.engine.hub.fake;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/// Switches that make the fake Hub misbehave the way the real one and its CDN sometimes do. Counters are
/// "the next N requests"; each matching request uses one up.
public final class FakeFaults {

    final AtomicInteger rateLimited = new AtomicInteger();
    volatile int rateLimitSeconds = 55;
    volatile boolean rateLimitHeaderOnly;
    final AtomicInteger serverErrors = new AtomicInteger();
    volatile int serverErrorStatus = 500;
    final AtomicInteger cdnCuts = new AtomicInteger();
    volatile long cutAfterBytes;
    final AtomicInteger ignoreRange = new AtomicInteger();
    final AtomicInteger shortBodies = new AtomicInteger();
    final AtomicLong corruptOffset = new AtomicLong(-1);
    final AtomicInteger corruptTimes = new AtomicInteger();
    final AtomicInteger expiredUrls = new AtomicInteger();
    volatile boolean xetHeaders;
    volatile String foreignNextLinkOrigin;
    volatile long cdnBytesPerSecond;
    final AtomicInteger cdnStalls = new AtomicInteger();
    volatile long stallAfterBytes;
    final AtomicInteger apiStalls = new AtomicInteger();
    final AtomicInteger endlessApi = new AtomicInteger();
    final AtomicLong endlessBytesSent = new AtomicLong();

    /// The next `times` API and resolve requests answer `429` with `RateLimit: "api";r=0;t=<seconds>` and
    /// `Retry-After: <seconds>`.
    public FakeFaults rateLimit(int times, int seconds) {
        rateLimitSeconds = seconds;
        rateLimited.set(times);
        return this;
    }

    /// The next `times` CDN bodies send `bytes` bytes, then nothing more while the connection stays open (a network
    /// that went silent), until the client gives up on it.
    public FakeFaults stallAfter(long bytes, int times) {
        stallAfterBytes = bytes;
        cdnStalls.set(times);
        return this;
    }

    /// The next `times` API answers (`/api/…`) send their headers and a first byte, then nothing more while the
    /// connection stays open, until the client gives up (or the hub stops).
    public FakeFaults stallApiBody(int times) {
        apiStalls.set(times);
        return this;
    }

    /// The next `times` API answers are `200` with a JSON array that never ends (sent until the client hangs up).
    public FakeFaults endlessApiBody(int times) {
        endlessApi.set(times);
        return this;
    }

    /// Bytes sent in endless API answers so far.
    public long endlessBytesSent() {
        return endlessBytesSent.get();
    }

    /// The next `times` API, resolve and CDN requests answer `status` (500, 502, 503, 504, 408).
    public FakeFaults serverError(int times, int status) {
        serverErrorStatus = status;
        serverErrors.set(times);
        return this;
    }

    /// The next `times` CDN bodies stop after `bytes` bytes and the connection is dropped.
    public FakeFaults cutAfter(long bytes, int times) {
        cutAfterBytes = bytes;
        cdnCuts.set(times);
        return this;
    }

    /// The next `times` CDN requests ignore `Range` and answer `200` with the whole file.
    public FakeFaults ignoreRange(int times) {
        ignoreRange.set(times);
        return this;
    }

    /// The next `times` CDN answers send one byte fewer than the file has (and say so in Content-Length).
    public FakeFaults shortBody(int times) {
        shortBodies.set(times);
        return this;
    }

    /// The next `times` CDN answers that cover `offset` send that byte flipped.
    public FakeFaults corruptByte(long offset, int times) {
        corruptOffset.set(offset);
        corruptTimes.set(times);
        return this;
    }

    /// The next `times` signed CDN URLs handed out by `resolve` have already expired (the CDN answers 403).
    public FakeFaults expireUrls(int times) {
        expiredUrls.set(times);
        return this;
    }

    /// `resolve` adds `X-Xet-Hash` and a `Link rel="xet-auth"` (clients must ignore them).
    public FakeFaults xetHeaders(boolean on) {
        xetHeaders = on;
        return this;
    }

    /// Search answers point their `next` link at another origin (e.g. `http://evil.example`).
    public FakeFaults foreignNextLink(String origin) {
        foreignNextLinkOrigin = origin;
        return this;
    }

    /// Throttles CDN bodies (0: unthrottled), so tests can pause a download in flight.
    public FakeFaults cdnBytesPerSecond(long rate) {
        cdnBytesPerSecond = rate;
        return this;
    }

    static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
