package dev.karuku.engine.hub.fake;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The fake CDN: `/cdn/<sha256>?Expires=…&Signature=…`, with ranges, expiry, and the body faults.
final class FakeCdn {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private record Signed(String sha256, long expiresMillis) {}

    final AtomicLong bytesServed = new AtomicLong();
    final AtomicInteger tokenLeaks = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, Signed> signatures = new ConcurrentHashMap<>();
    private final FakeHub hub;

    FakeCdn(FakeHub hub) {
        this.hub = hub;
    }

    String signedUrl(FakeFile f) {
        long expires = FakeFaults.take(hub.faults.expiredUrls) ? System.currentTimeMillis() - 1000
                : System.currentTimeMillis() + hub.urlLifetimeMillis;
        String sig = UUID.randomUUID().toString().replace("-", "");
        signatures.put(sig, new Signed(f.sha256(), expires));
        return hub.cdnOrigin() + "/cdn/" + f.sha256() + "?Expires=" + expires / 1000 + "&Signature=" + sig
                + "&response-content-disposition=attachment%3B%20filename%3D%22" + f.path().replace("/", "%2F") + "%22";
    }

    int handle(HttpExchange ex) throws IOException {
        if (ex.getRequestHeaders().containsKey("Authorization")) {
            tokenLeaks.incrementAndGet();
            return FakeHub.send(ex, 400, "text/plain", "Authorization must not be sent to the CDN".getBytes(StandardCharsets.UTF_8));
        }
        String path = ex.getRequestURI().getPath();
        Query q = Query.parse(ex.getRequestURI().getRawQuery());
        Signed s = q.first("Signature") == null ? null : signatures.get(q.first("Signature"));
        if (!path.startsWith("/cdn/") || s == null || !path.equals("/cdn/" + s.sha256())) {
            return FakeHub.send(ex, 403, "application/xml", "<Error><Code>AccessDenied</Code></Error>".getBytes(StandardCharsets.UTF_8));
        }
        if (System.currentTimeMillis() > s.expiresMillis()) {
            return FakeHub.send(ex, 403, "application/xml", "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>".getBytes(StandardCharsets.UTF_8));
        }
        if (FakeFaults.take(hub.faults.serverErrors)) return FakeHub.send(ex, hub.faults.serverErrorStatus, "text/plain", "error".getBytes(StandardCharsets.UTF_8));
        FakeFile f = findBySha(s.sha256());
        if (f == null) return FakeHub.send(ex, 404, "text/plain", "gone".getBytes(StandardCharsets.UTF_8));
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            return serve(ex, f, true);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private FakeFile findBySha(String sha) {
        for (FakeRepo r : hub.allRepos()) for (FakeFile f : r.files.values()) if (f.sha256().equals(sha)) return f;
        return null;
    }

    /// Sends a file (or the asked range) with the body faults applied when `faulty`.
    int serve(HttpExchange ex, FakeFile f, boolean faulty) throws IOException {
        FakeFaults faults = hub.faults;
        long size = f.size();
        var h = ex.getResponseHeaders();
        h.set("Accept-Ranges", "bytes");
        h.set("Content-Type", "application/octet-stream");
        h.set("ETag", "\"" + f.gitSha1() + "\"");
        String range = ex.getRequestHeaders().getFirst("Range");
        long from = 0;
        long to = size - 1;
        int status = 200;
        if (range != null && !(faulty && FakeFaults.take(faults.ignoreRange))) {
            Matcher m = RANGE.matcher(range.strip());
            if (m.matches()) {
                from = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) to = Math.min(size - 1, Long.parseLong(m.group(2)));
                if (from >= size || from > to) {
                    h.set("Content-Range", "bytes */" + size);
                    ex.sendResponseHeaders(416, -1);
                    return 416;
                }
                status = 206;
                h.set("Content-Range", "bytes " + from + "-" + to + "/" + size);
            }
        }
        long length = to - from + 1;
        if (faulty && FakeFaults.take(faults.shortBodies)) length = Math.max(0, length - 1);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        if (head) {
            h.set("Content-Length", Long.toString(length));
            ex.sendResponseHeaders(status, -1);
            return status;
        }
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        long cutAt = faulty && FakeFaults.take(faults.cdnCuts) ? faults.cutAfterBytes : Long.MAX_VALUE;
        boolean stall = faulty && cutAt == Long.MAX_VALUE && FakeFaults.take(faults.cdnStalls);
        if (stall) cutAt = faults.stallAfterBytes;
        long corrupt = faults.corruptOffset.get();
        boolean corrupting = faulty && corrupt >= from && corrupt <= to && FakeFaults.take(faults.corruptTimes);
        try (InputStream in = f.open(from)) {
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[1 << 16];
            long sent = 0;
            while (sent < length) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, Math.min(length - sent, cutAt - sent)));
                if (n <= 0) break;
                if (corrupting && corrupt >= from + sent && corrupt < from + sent + n) buf[(int) (corrupt - from - sent)] ^= 0x5A;
                throttle(n); // before the write: a body ends with its last byte, not with a wait after it
                out.write(buf, 0, n);
                sent += n;
                bytesServed.addAndGet(n);
                if (sent >= cutAt) {
                    out.flush();
                    if (stall) silence();
                    throw new IOException("fake CDN: connection cut after " + sent + " bytes");
                }
            }
        }
        return status;
    }

    /// Holds the connection open without sending, as a network that went quiet does, until the hub stops.
    private static void silence() {
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void throttle(int n) {
        long rate = hub.faults.cdnBytesPerSecond;
        if (rate <= 0) return;
        try {
            Thread.sleep(Math.max(1, n * 1000L / rate));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
