package dev.karuku.app.ui;

import java.nio.file.Path;
import java.util.Locale;

/// Folders as people write them on Linux and macOS: a folder in the user's home as `~/…` (short, and free of the
/// user name), and `~/…` typed in a field read back as that folder. Windows paths are shown as they are.
public final class HomePaths {
    private HomePaths() {}

    public static String shown(Path p) {
        if (p == null) return "";
        Path home = home();
        Path abs = p.toAbsolutePath().normalize();
        if (home == null || windows() || !abs.startsWith(home)) return p.toString();
        Path rest = home.relativize(abs);
        return rest.toString().isEmpty() ? "~" : "~/" + rest.toString().replace('\\', '/');
    }

    public static Path typed(String s) {
        String t = s.strip();
        Path home = home();
        if (home != null && !windows()) {
            if (t.equals("~")) return home;
            if (t.startsWith("~/")) return home.resolve(t.substring(2));
        }
        return Path.of(t);
    }

    private static Path home() {
        String h = System.getProperty("user.home");
        return h == null || h.isBlank() ? null : Path.of(h).toAbsolutePath().normalize();
    }

    private static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }
}
