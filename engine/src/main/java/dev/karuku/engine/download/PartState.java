package dev.karuku.engine.download;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/// The sidecar `<dest>.part.json` that lets a download continue after the app restarts: which file of which
/// commit the `.part` holds, and how far each segment got. A sidecar for another file or commit is ignored.
///
/// @param sha256   expected SHA-256, or null for small git files
/// @param gitOid   expected git blob sha1 for files without a SHA-256, or null
/// @param segments byte ranges `[start, end)` with `done` bytes written from `start`; one segment for a
///                 single-stream download, whose `.part` length is then the authority
public record PartState(String repo, String commit, String path, long size, String sha256, String gitOid,
                        List<Segment> segments) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /// A range `[start, end)` of which the first `done` bytes are on disk.
    public record Segment(long start, long end, long done) {
        public long remaining() {
            return end - start - done;
        }
    }

    public PartState {
        segments = List.copyOf(segments);
    }

    public boolean sameFile(PartState o) {
        return o != null && repo.equals(o.repo) && commit.equals(o.commit) && path.equals(o.path) && size == o.size
                && java.util.Objects.equals(sha256, o.sha256);
    }

    public long done() {
        return segments.stream().mapToLong(Segment::done).sum();
    }

    public PartState withSegments(List<Segment> s) {
        return new PartState(repo, commit, path, size, sha256, gitOid, s);
    }

    static List<Segment> split(long size, int parts) {
        List<Segment> out = new ArrayList<>();
        long step = (size + parts - 1) / parts;
        for (long start = 0; start < size; start += step) out.add(new Segment(start, Math.min(size, start + step), 0));
        if (out.isEmpty()) out.add(new Segment(0, 0, 0));
        return out;
    }

    static PartState load(Path file) {
        try {
            return Files.isRegularFile(file) ? JSON.readValue(file.toFile(), PartState.class) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(this));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
