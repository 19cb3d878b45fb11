package dev.karuku.engine.download;

import dev.karuku.engine.hub.RepoFile;
import dev.karuku.engine.library.KarukuPaths;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/// Where jobs are assembled (`<models>/.downloading/<job>/`) and the per-job locks that keep two processes from
/// writing one job's `.part` files (`<data>/download-locks/<job>.lock`).
final class Staging {

    private final KarukuPaths paths;

    Staging(KarukuPaths paths) {
        this.paths = paths;
    }

    Path dir(String id) {
        return paths.downloadStaging().resolve(id);
    }

    /// Held by the process downloading the job; in the data folder, shared by every process using it.
    Path lock(String id) {
        return paths.downloadQueue().resolveSibling("download-locks").resolve(id + ".lock");
    }

    void delete(String id) {
        Path dir = dir(id);
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // leftovers in the staging folder are harmless and retried on the next cancel or start
        }
    }

    void deleteLock(String id) {
        try {
            Files.deleteIfExists(lock(id));
        } catch (IOException ignored) {
            // an empty lock file left behind is harmless
        }
    }

    /// Deletes the staging folders of every job not in `keep` (done, cancelled, or unknown: a crashed older
    /// version's), unless another process holds the job. Called under the queue's lock, so no job is added meanwhile.
    void clean(Collection<String> keep) {
        Path root = paths.downloadStaging();
        if (!Files.isDirectory(root)) return;
        Set<String> kept = Set.copyOf(keep);
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.filter(Files::isDirectory).toList()) {
                String id = dir.getFileName().toString();
                if (kept.contains(id)) continue;
                Optional<LockFile> held = LockFile.tryAcquire(lock(id));
                if (held.isEmpty()) continue;
                try (LockFile l = held.get()) {
                    delete(id);
                }
                deleteLock(id);
            }
        } catch (IOException e) {
            // leftovers are retried at the next start
        }
    }

    /// Bytes of the job's partial and finished files (what a resumed job no longer needs from the disk).
    long bytesOnDisk(String id) throws IOException {
        Path dir = dir(id);
        if (!Files.isDirectory(dir)) return 0;
        long sum = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".part") || p.toString().endsWith(".gguf")).toList()) sum += Files.size(p);
        }
        return sum;
    }

    /// Whether `to` already holds exactly `f` (same size and SHA-256).
    static boolean holds(Path to, RepoFile f) throws IOException {
        if (f.sha256().isEmpty() || !Files.isRegularFile(to) || Files.size(to) != f.size()) return false;
        try (InputStream in = Files.newInputStream(to)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest()).equalsIgnoreCase(f.sha256().get());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
