package dev.karuku.cli;

import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.library.KarukuPaths;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/// The environment the Hub and library commands read (`HF_ENDPOINT`, `HF_TOKEN`, `KARUKU_HOME`, …). A system
/// property `karuku.env.NAME` overrides variable `NAME`, so in-process tests can point the CLI at a fake Hub.
final class CliEnvironment {

    private CliEnvironment() {}

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("karuku.env.")) env.put(key.substring("karuku.env.".length()), v.toString());
        });
        return env;
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    static HubClient hub() {
        Map<String, String> env = env();
        return new HubClient(HubConfig.fromEnvironment(env, home()), dev.karuku.engine.hub.RetryPolicy.standard(),
                dev.karuku.engine.hub.HubProxies.fromEnvironment(env));
    }

    static KarukuPaths paths() {
        return KarukuPaths.fromEnvironment(env(), home(), System.getProperty("os.name")).withChosenModelsDir();
    }

    /// Whether stderr is a terminal, where progress may redraw one line with `\r`. `System.console()` answers for
    /// stdin and stdout, so `karuku pull 2>log` would still look like a terminal; on Linux the descriptor itself
    /// says where it goes.
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (java.nio.file.Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] u = {"KB", "MB", "GB", "TB"};
        double v = b;
        int i = -1;
        while (v >= 1000 && i < u.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(java.util.Locale.ROOT, v < 10 ? "%.2f %s" : "%.1f %s", v, u[Math.max(i, 0)]);
    }
}
