package dev.karuku.engine.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/// Fetches a big file's segments in parallel, each on its own virtual thread and connection, writing at their
/// offsets in the `.part` file and saving how far each got to the sidecar about twice a second (and at the end),
/// so a restart continues every segment where it stopped.
final class SegmentedDownload {

    /// Thrown inside a segment when the server ignores `Range`; the whole file then falls back to one stream.
    private static final class RangeIgnored extends IOException {
        RangeIgnored() {
            super("the server ignored Range");
        }
    }

    private final DownloadOptions options;
    private final PartState state;
    private final Path part;
    private final Path sidecar;
    private final RangeFetcher fetcher;
    private final AtomicLongArray done;

    SegmentedDownload(DownloadOptions options, PartState state, Path part, Path sidecar, RangeFetcher fetcher) {
        this.options = options;
        this.state = state;
        this.part = part;
        this.sidecar = sidecar;
        this.fetcher = fetcher;
        this.done = new AtomicLongArray(state.segments().size());
        for (int i = 0; i < done.length(); i++) done.set(i, state.segments().get(i).done());
    }

    /// Returns false when the server ignored `Range` (nothing usable was written).
    boolean run() throws IOException {
        state.save(sidecar);
        try (FileChannel ch = options.partFiles().open(part);
             ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("karuku-segment-", 0).factory())) {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < done.length(); i++) {
                int idx = i;
                futures.add(pool.submit(() -> {
                    segment(ch, idx);
                    return null;
                }));
            }
            IOException failure = null;
            for (Future<Void> f : futures) {
                while (true) {
                    try {
                        f.get(500, TimeUnit.MILLISECONDS);
                        break;
                    } catch (java.util.concurrent.TimeoutException t) {
                        save();
                    } catch (java.util.concurrent.ExecutionException e) {
                        IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                        if (failure == null || io instanceof RangeIgnored) failure = io;
                        futures.forEach(other -> other.cancel(true));
                        break;
                    } catch (java.util.concurrent.CancellationException e) {
                        break;
                    } catch (InterruptedException e) {
                        futures.forEach(other -> other.cancel(true));
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                }
            }
            if (failure instanceof RangeIgnored) return false;
            save();
            if (failure != null) throw failure;
            ch.force(false);
            return true;
        }
    }

    private void segment(FileChannel ch, int idx) throws IOException {
        PartState.Segment s = state.segments().get(idx);
        long from = s.start() + done.get(idx);
        if (from >= s.end()) return;
        fetcher.fetch(from, s.end(), new RangeFetcher.Sink() {
            @Override
            public void write(long offset, byte[] buf, int len) throws IOException {
                FileDownload.writeFully(ch, ByteBuffer.wrap(buf, 0, len), offset);
                done.addAndGet(idx, len);
            }

            @Override
            public void restartFromZero() throws IOException {
                throw new RangeIgnored();
            }
        });
    }

    long doneBytes() {
        long sum = 0;
        for (int i = 0; i < done.length(); i++) sum += done.get(i);
        return sum;
    }

    private synchronized void save() throws IOException {
        List<PartState.Segment> segs = new ArrayList<>();
        for (int i = 0; i < done.length(); i++) {
            PartState.Segment s = state.segments().get(i);
            segs.add(new PartState.Segment(s.start(), s.end(), done.get(i)));
        }
        state.withSegments(segs).save(sidecar);
    }
}
