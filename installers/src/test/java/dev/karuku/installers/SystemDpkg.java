package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/// This machine's dpkg, run as root: directly when the test runs as root, else through passwordless `sudo -n`
/// (CI runners).
final class SystemDpkg {

    private final List<String> asRoot;

    private SystemDpkg(List<String> asRoot) {
        this.asRoot = asRoot;
    }

    /// Null when this user can run nothing as root without a password.
    static SystemDpkg forThisUser() throws IOException, InterruptedException {
        if (Proc.run(List.of("id", "-u"), Map.of(), Path.of("."), 60).out().strip().equals("0")) {
            return new SystemDpkg(List.of());
        }
        try {
            if (new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start().waitFor() == 0) {
                return new SystemDpkg(List.of("sudo", "-n"));
            }
        } catch (IOException noSudo) {
            // no sudo installed
        }
        return null;
    }

    Proc asRoot(Path workDir, String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(asRoot);
        c.addAll(List.of(command));
        return Proc.run(c, Map.of(), workDir, 300);
    }

    /// dpkg's status of `pkg` (`ii`, `rc`, …) or "" when dpkg has never heard of it.
    static String status(String pkg) throws IOException, InterruptedException {
        Proc q = Proc.run(List.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", pkg), Map.of(), Path.of("."), 60);
        return q.exit() == 0 ? q.out().strip() : "";
    }

    static String version(String pkg) throws IOException, InterruptedException {
        return Proc.run(List.of("dpkg-query", "-W", "-f=${Version}", pkg), Map.of(), Path.of("."), 60).out().strip();
    }

    /// The packages of `depends` (a Depends field) of which no alternative is installed.
    static List<String> unmet(String depends) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String group : depends.split(",")) {
            if (group.isBlank()) continue;
            boolean met = false;
            for (String alternative : group.split("\\|")) {
                String name = alternative.replaceAll("\\(.*\\)", "").strip();
                if (status(name).startsWith("ii")) met = true;
            }
            if (!met) missing.add(group.strip());
        }
        return missing;
    }
}
