package dev.karuku.engine.download;

import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubException;
import dev.karuku.engine.hub.HubResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Fetches a byte range of one pinned repo file into a [Sink], whatever the network does: re-resolves an expired
/// CDN link (403/404 from the CDN), continues with `Range: bytes=<pos>-` after a dropped connection, accepts only
/// a `206` whose `Content-Range` starts where asked and has the expected total, and hands a `200` (the server
/// ignored `Range`) to the sink to restart from byte 0. A connection that goes silent is given up after
/// [DownloadOptions#stallTimeout()] and continued the same way.
final class RangeFetcher {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    /// Where fetched bytes go. Write errors (a full disk) propagate; they are not network trouble.
    interface Sink {
        void write(long offset, byte[] buf, int len) throws IOException;

        /// The server answered the whole file: start again from 0 (single stream), or give up on ranges.
        void restartFromZero() throws IOException;
    }

    private final HubClient hub;
    private final DownloadOptions options;
    private final String repo;
    private final String commit;
    private final String path;
    private final long size;
    private final DownloadControl control;
    private final LongConsumer progress;
    private volatile URI location;

    RangeFetcher(HubClient hub, DownloadOptions options, String repo, String commit, String path, long size,
                 DownloadControl control, LongConsumer progress) {
        this.hub = hub;
        this.options = options;
        this.repo = repo;
        this.commit = commit;
        this.path = path;
        this.size = size;
        this.control = control;
        this.progress = progress;
    }

    /// Fills `[from, to)`; returns normally when every byte was handed to the sink.
    void fetch(long from, long to, Sink sink) throws IOException {
        long pos = from;
        int failures = 0;
        long lastFailurePos = -1;
        int reResolves = 0;
        byte[] buf = new byte[1 << 17];
        attempts:
        while (pos < to) {
            control.check();
            URI loc = location();
            HubResponse r;
            try {
                r = hub.openRange(loc, pos, to == size ? -1 : to - 1);
            } catch (HubException e) {
                if (!e.transientFailure()) throw e;
                failures = failed(failures, pos != lastFailurePos, e);
                lastFailurePos = pos;
                continue;
            }
            try (r) {
                int s = r.status();
                if ((s == 403 || s == 404 || s == 410) && !hub.http().isHubOrigin(r.uri())) {
                    location = null;
                    if (++reResolves > 3) throw new HubException(HubException.Reason.SERVER_ERROR, s, "download link keeps expiring");
                    continue;
                }
                if (s == 200) {
                    if (pos != 0) {
                        sink.restartFromZero();
                        pos = 0;
                    }
                } else if (s == 206) {
                    checkContentRange(r.header("Content-Range"), pos);
                } else if (s == 416) {
                    throw new DownloadException(DownloadException.Reason.SIZE_MISMATCH, path + " is shorter on the server than the Hub says");
                } else {
                    throw hub.error(r, repo + "/" + path);
                }
                InputStream in = r.body();
                try (StallWatch watch = new StallWatch(options.stallTimeout(), r::close)) {
                    while (pos < to) {
                        int n;
                        try {
                            n = in.read(buf, 0, (int) Math.min(buf.length, to - pos));
                        } catch (InterruptedIOException e) {
                            throw e;
                        } catch (IOException e) {
                            failures = failed(failures, pos != lastFailurePos, watch.explain(e));
                            lastFailurePos = pos;
                            continue attempts;
                        }
                        if (n < 0) break;
                        watch.bytesArrived();
                        sink.write(pos, buf, n);
                        pos += n;
                        progress.accept(n);
                        control.check();
                    }
                }
                if (pos < to) {
                    failures = failed(failures, pos != lastFailurePos, new IOException("connection closed early"));
                    lastFailurePos = pos;
                }
            }
        }
    }

    private void checkContentRange(String header, long pos) throws DownloadException {
        Matcher m = header == null ? null : CONTENT_RANGE.matcher(header.strip());
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) != pos
                || !m.group(3).equals("*") && Long.parseLong(m.group(3)) != size) {
            throw new DownloadException(DownloadException.Reason.SERVER, "unexpected Content-Range " + header + " for " + path
                    + " (asked from byte " + pos + " of " + size + ")");
        }
    }

    /// Counts a network failure (reset when bytes arrived since the last one) and waits before the next try.
    private int failed(int failures, boolean progressed, IOException cause) throws IOException {
        int f = progressed ? 1 : failures + 1;
        if (f > options.networkRetries()) {
            throw cause instanceof HubException h ? h : new HubException(HubException.Reason.NETWORK, 0,
                    "download of " + path + " keeps failing: " + cause.getMessage(), cause);
        }
        long ms = Math.min(30_000, options.retryDelay().toMillis() << Math.min(10, f - 1));
        try {
            options.sleeper().sleep(Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        return f;
    }

    private URI location() throws IOException {
        URI l = location;
        if (l == null) {
            synchronized (this) {
                if (location == null) location = hub.resolve(repo, commit, path).location();
                l = location;
            }
        }
        return l;
    }
}
