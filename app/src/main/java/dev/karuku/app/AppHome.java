package dev.karuku.app;

import java.nio.file.Path;
import java.util.Locale;

/// Where Karuku keeps its settings, conversations and (by default) models: `-Dkaruku.home`, else the
/// platform's usual place for application data.
final class AppHome {
    private AppHome() {}

    static Path resolve() {
        String explicit = System.getProperty("karuku.home");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String appData = System.getenv("LOCALAPPDATA");
            return (appData != null ? Path.of(appData) : user.resolve("AppData/Local")).resolve("Karuku");
        }
        if (os.contains("mac")) return user.resolve("Library/Application Support/Karuku");
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".local/share")).resolve("karuku");
    }
}
