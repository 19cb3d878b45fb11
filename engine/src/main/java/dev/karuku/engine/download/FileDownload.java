package dev.karuku.engine.download;

import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.RepoFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/// Downloads one pinned repo file to `dest`, resumable across restarts: bytes go to `<dest>.part`, progress to
/// the sidecar `<dest>.part.json`, and only a file whose length and SHA-256 (or git sha1 for small files) match
/// the Hub's is renamed to `dest`. A damaged file is deleted; a paused or failed one keeps its `.part`.
///
/// Big files are fetched in up to [DownloadOptions#maxConnections()] ranges at once ([SegmentedDownload]) and
/// hashed after; single-stream downloads are hashed while streaming, re-hashing the existing prefix on resume.
public final class FileDownload {

    private final HubClient hub;
    private final DownloadOptions options;
    private final String repo;
    private final String commit;
    private final RepoFile file;
    private final Path dest;
    private final DownloadControl control;
    private final LongConsumer progress;

    /// @param progress receives each count of newly stored bytes (and, first, the bytes already on disk)
    public FileDownload(HubClient hub, DownloadOptions options, String repo, String commit, RepoFile file, Path dest,
                        DownloadControl control, LongConsumer progress) {
        this.hub = hub;
        this.options = options;
        this.repo = repo;
        this.commit = commit;
        this.file = file;
        this.dest = dest;
        this.control = control;
        this.progress = progress;
    }

    public Path part() {
        return dest.resolveSibling(dest.getFileName() + ".part");
    }

    public Path sidecar() {
        return dest.resolveSibling(dest.getFileName() + ".part.json");
    }

    /// Runs to completion; returns `dest`. Throws [DownloadException] (paused, cancelled, damaged, disk full) or a
    /// Hub error. On cancel the partial file is removed.
    public Path run() throws IOException {
        try {
            return download();
        } catch (DownloadException e) {
            if (e.reason() == DownloadException.Reason.CANCELLED) deletePartial();
            throw e;
        }
    }

    private Path download() throws IOException {
        long size = file.size();
        if (size < 0) size = hub.resolve(repo, commit, file.path()).size();
        if (size < 0) throw new DownloadException(DownloadException.Reason.SERVER, "the Hub did not say how big " + file.path() + " is");
        Files.createDirectories(dest.getParent());
        PartState want = new PartState(repo, commit, file.path(), size, file.sha256().orElse(null),
                file.gitOid().orElse(null), List.of(new PartState.Segment(0, size, 0)));
        PartState have = PartState.load(sidecar());
        if (!want.sameFile(have)) {
            Files.deleteIfExists(part());
            have = null;
        }
        boolean segmented = have != null ? have.segments().size() > 1
                : size >= options.segmentThreshold() && options.maxConnections() > 1;
        long already = segmented ? have == null ? 0 : have.done() : Files.exists(part()) ? Math.min(Files.size(part()), size) : 0;
        DiskSpace.ensure(options.disk(), dest.getParent(), size - already, options.spaceMargin());
        control.check();
        RangeFetcher fetcher = new RangeFetcher(hub, options, repo, commit, file.path(), size, control, progress);
        if (segmented) {
            PartState state = have != null ? have : want.withSegments(PartState.split(size, options.maxConnections()));
            progress.accept(state.done());
            SegmentedDownload segments = new SegmentedDownload(options, state, part(), sidecar(), fetcher);
            if (!segments.run()) {
                progress.accept(-segments.doneBytes());
                Files.deleteIfExists(part());
                want.save(sidecar());
                single(fetcher, want, 0);
            }
            verify(sha(part(), size));
        } else {
            want.save(sidecar());
            verify(single(fetcher, want, already));
        }
        Files.createDirectories(dest.getParent());
        try {
            Files.move(part(), dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(part(), dest, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(sidecar());
        return dest;
    }

    /// One stream from `already` on, hashing as it goes; returns the hex digest (SHA-256, or git sha1).
    private String single(RangeFetcher fetcher, PartState state, long already) throws IOException {
        MessageDigest md = digest(state.size());
        try (FileChannel ch = options.partFiles().open(part())) {
            if (ch.size() > already) ch.truncate(already);
            hashPrefix(ch, already, md);
            progress.accept(already);
            long[] written = {already};
            fetcher.fetch(already, state.size(), new RangeFetcher.Sink() {
                @Override
                public void write(long offset, byte[] buf, int len) throws IOException {
                    writeFully(ch, ByteBuffer.wrap(buf, 0, len), offset);
                    md.update(buf, 0, len);
                    written[0] = offset + len;
                }

                @Override
                public void restartFromZero() throws IOException {
                    ch.truncate(0);
                    md.reset();
                    if (state.sha256() == null) md.update(gitPrefix(state.size()));
                    progress.accept(-written[0]);
                    written[0] = 0;
                }
            });
            ch.force(false);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        try {
            long p = position;
            while (b.hasRemaining()) p += ch.write(b, p);
        } catch (IOException e) {
            if (DownloadException.isDiskFull(e)) {
                throw new DownloadException(DownloadException.Reason.DISK_FULL,
                        "the disk filled up while downloading; free some space and resume (the partial file was kept)", e);
            }
            throw e;
        }
    }

    private void hashPrefix(FileChannel ch, long len, MessageDigest md) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        for (long pos = 0; pos < len; ) {
            b.clear().limit((int) Math.min(b.capacity(), len - pos));
            int n = ch.read(b, pos);
            if (n <= 0) throw new IOException("partial file shrank while resuming");
            md.update(b.array(), 0, n);
            pos += n;
        }
    }

    private String sha(Path p, long size) throws IOException {
        MessageDigest md = digest(size);
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private MessageDigest digest(long size) {
        try {
            if (file.sha256().isPresent() || file.gitOid().isEmpty()) return MessageDigest.getInstance("SHA-256");
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(gitPrefix(size));
            return md;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gitPrefix(long size) {
        return ("blob " + size + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private void verify(String actual) throws IOException {
        long len = Files.size(part());
        String expected = file.sha256().or(file::gitOid).orElse(null);
        if (len != file.size() && file.size() >= 0) {
            deletePartial();
            throw new DownloadException(DownloadException.Reason.SIZE_MISMATCH, file.path() + " has " + len + " bytes, expected " + file.size());
        }
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            deletePartial();
            throw new DownloadException(DownloadException.Reason.CHECKSUM_MISMATCH, file.path());
        }
    }

    /// Removes the `.part` and its sidecar.
    public void deletePartial() throws IOException {
        Files.deleteIfExists(part());
        Files.deleteIfExists(sidecar());
    }
}
