package dev.karuku.app;

import dev.karuku.engine.library.KarukuPaths;
import java.nio.file.Path;

/// Where Karuku keeps its settings, conversations and (by default) models: `-Dkaruku.home`, else the same
/// folder as the command line — `KARUKU_HOME` when set (the README's promise), else the platform's usual place
/// for application data.
final class AppHome {
    private AppHome() {}

    static Path resolve() {
        String explicit = System.getProperty("karuku.home");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        return KarukuPaths.fromEnvironment().dataDir();
    }
}
