package dev.karuku.engine.hub;

import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.PrefixByteSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// Reads the GGUF header of a file on the Hub without downloading it: fetches the first bytes with a `Range`
/// request, parses, and when the reader reports the header continues past them, fetches more (at least double)
/// until it parses or the cap is reached. Typical headers fit in the first 2 MiB; big vocabularies need more.
///
/// A connection that drops mid-header is continued from the last byte received, with the retries downloads have.
/// At most [#MAX_CONCURRENT_READS] headers are read at once in this process: a page listing twenty quants would
/// otherwise hold up to 256 MiB per quant at the same time.
public final class RemoteGguf {

    /// Header reads in flight at once, all `RemoteGguf`s of the process together.
    public static final int MAX_CONCURRENT_READS = 4;
    private static final java.util.concurrent.Semaphore READS = new java.util.concurrent.Semaphore(MAX_CONCURRENT_READS, true);

    /// A body that broke off after `read` bytes.
    private static final class BrokenBody extends IOException {
        final int read;

        BrokenBody(int read, IOException cause) {
            super(cause.getMessage(), cause);
            this.read = read;
        }
    }

    public static final long DEFAULT_INITIAL_BYTES = 2L << 20;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private final HubClient hub;
    private final GgufHeaderParser parser;
    private final long initialBytes;
    private final long maxBytes;

    public RemoteGguf(HubClient hub) {
        this(hub, GgufReader::read, DEFAULT_INITIAL_BYTES, DEFAULT_MAX_BYTES);
    }

    public RemoteGguf(HubClient hub, GgufHeaderParser parser, long initialBytes, long maxBytes) {
        if (initialBytes < 32 || maxBytes < initialBytes || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bad header window " + initialBytes + ".." + maxBytes);
        }
        this.hub = hub;
        this.parser = parser;
        this.initialBytes = initialBytes;
        this.maxBytes = maxBytes;
    }

    /// The headers of every file of a choice (all shards of a split model).
    public QuantHeaders headers(String repo, String commit, QuantChoice choice) throws IOException, GgufException {
        List<GgufFile> out = new ArrayList<>();
        for (RepoFile f : choice.files()) out.add(header(repo, commit, f));
        return new QuantHeaders(choice, out);
    }

    /// One file's header.
    public GgufFile header(String repo, String commit, RepoFile file) throws IOException, GgufException {
        try {
            READS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to read " + file.path());
        }
        try {
            return read(repo, commit, file);
        } finally {
            READS.release();
        }
    }

    private GgufFile read(String repo, String commit, RepoFile file) throws IOException, GgufException {
        ResolvedFile where = hub.resolve(repo, commit, file.path());
        long size = file.size() >= 0 ? file.size() : where.size();
        byte[] buf = new byte[(int) Math.min(initialBytes, size >= 0 ? size : initialBytes)];
        int have = 0;
        int reResolved = 0;
        int failures = 0;
        long want = buf.length;
        while (true) {
            if (want > buf.length) buf = Arrays.copyOf(buf, (int) want);
            while (have < want) {
                int got;
                try {
                    got = fetch(repo, commit, file, where, buf, have, (int) want);
                } catch (BrokenBody e) {
                    have += e.read;
                    failures = e.read > 0 ? 1 : failures + 1;
                    retryAfter(failures, file, e);
                    continue;
                }
                if (got == 0) break;
                if (got >= 0) {
                    have += got;
                } else if (++reResolved > 2) {
                    throw new HubException(HubException.Reason.SERVER_ERROR, 403, "download link keeps expiring");
                } else {
                    where = hub.resolve(repo, commit, file.path());
                }
            }
            try {
                return parser.parse(new PrefixByteSource(have == buf.length ? buf : Arrays.copyOf(buf, have), size));
            } catch (GgufException e) {
                boolean more = e.kind() == GgufException.Kind.TRUNCATED && have == want && (size < 0 || have < size);
                if (!more) throw e;
                long next = Math.max(want * 2, e.neededBytes() > 0 ? e.neededBytes() : 0);
                if (size >= 0) next = Math.min(next, size);
                if (want >= maxBytes) {
                    throw new GgufException(GgufException.Kind.HEADER_TOO_LARGE, file.path() + ": header larger than "
                            + (maxBytes >> 20) + " MiB", e.neededBytes(), e);
                }
                want = Math.min(next, maxBytes);
            }
        }
    }

    /// Fetches bytes `[from, to)` into `buf`; returns the count read, 0 at end of file, or -1 when the signed URL
    /// expired (the caller re-resolves).
    private int fetch(String repo, String commit, RepoFile file, ResolvedFile where, byte[] buf, int from, int to)
            throws IOException {
        try (HubResponse r = hub.openRange(where.location(), from, to - 1)) {
            if (r.status() == 416) return 0;
            if ((r.status() == 403 || r.status() == 404) && !hub.http().isHubOrigin(r.uri())) return -1;
            if (r.status() != 206 && r.status() != 200) throw hub.error(r, repo + "/" + file.path());
            InputStream in = r.body();
            int n = 0;
            try {
                if (r.status() == 200 && from > 0) in.skipNBytes(from);
                for (int k; n < to - from && (k = in.read(buf, from + n, to - from - n)) >= 0; ) n += k;
            } catch (java.io.InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                throw new BrokenBody(n, e);
            }
            return n;
        }
    }

    /// Waits before asking again for the rest of a header whose connection dropped; gives up after the Hub
    /// client's number of retries without a new byte.
    private void retryAfter(int failures, RepoFile file, IOException cause) throws IOException {
        RetryPolicy policy = hub.http().retryPolicy();
        if (failures > policy.maxRetries()) {
            throw new HubException(HubException.Reason.NETWORK, 0, "reading the header of " + file.path()
                    + " keeps failing: " + cause.getMessage(), cause);
        }
        try {
            policy.sleeper().sleep(policy.delay(failures - 1, 0, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }
}
