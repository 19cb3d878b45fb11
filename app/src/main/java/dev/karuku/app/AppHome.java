package dev.karuku.app;

import dev.karuku.engine.library.KarukuPaths;
import java.nio.file.Path;
import java.util.Map;

/// Where Karuku keeps its settings, conversations and (by default) models: `-Dkaruku.home`, else `KARUKU_HOME`,
/// else the platform's usual place for application data — the same folder the command line uses
/// ([KarukuPaths#fromEnvironment()]).
final class AppHome {
    private AppHome() {}

    static Path resolve() {
        return resolve(System.getProperty("karuku.home"), System.getenv(), Path.of(System.getProperty("user.home")),
                System.getProperty("os.name", ""));
    }

    static Path resolve(String property, Map<String, String> env, Path userHome, String osName) {
        if (property != null && !property.isBlank()) return Path.of(property);
        return KarukuPaths.fromEnvironment(env, userHome, osName).dataDir();
    }
}
