package dev.karuku.engine.download;

import java.nio.file.Path;
import java.util.regex.Pattern;

/// Checks that a file name from the Hub stays inside the folder it is saved to: a name is data from a stranger.
public final class SafePaths {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:");

    private SafePaths() {}

    /// `base` joined with the repo path `rel`; refuses `..`, absolute paths, backslashes, drive letters, empty or
    /// dot segments and control characters.
    public static Path resolve(Path base, String rel) throws DownloadException {
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || DRIVE.matcher(rel).find()
                || rel.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new DownloadException(DownloadException.Reason.UNSAFE_PATH, rel);
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains(":")) {
                throw new DownloadException(DownloadException.Reason.UNSAFE_PATH, rel);
            }
        }
        Path root = base.toAbsolutePath().normalize();
        Path out = root.resolve(rel).normalize();
        if (!out.startsWith(root) || out.equals(root)) throw new DownloadException(DownloadException.Reason.UNSAFE_PATH, rel);
        return out;
    }
}
