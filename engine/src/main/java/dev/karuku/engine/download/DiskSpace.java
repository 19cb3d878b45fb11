package dev.karuku.engine.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/// How much a folder's disk can still take. An interface so tests can simulate a nearly full disk without one.
@FunctionalInterface
public interface DiskSpace {

    long usableBytes(Path dir) throws IOException;

    /// The real answer from the folder's `FileStore`.
    DiskSpace FILE_STORE = dir -> {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        return p == null ? Long.MAX_VALUE : Files.getFileStore(p).getUsableSpace();
    };

    /// Refuses to start when `needed` bytes plus a safety margin do not fit.
    static void ensure(DiskSpace space, Path dir, long needed, long margin) throws IOException {
        if (needed <= 0) return;
        long usable = space.usableBytes(dir);
        if (usable < needed + margin) {
            throw new DownloadException(DownloadException.Reason.DISK_FULL, "needs " + human(needed + margin)
                    + " but only " + human(usable) + " is free in " + dir + "; free some space or choose another models folder");
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
