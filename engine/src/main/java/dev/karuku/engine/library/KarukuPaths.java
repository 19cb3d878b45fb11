package dev.karuku.engine.library;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/// Where Karuku keeps its data: `KARUKU_HOME` when set, else the usual per-user data folder of the OS
/// (Linux `$XDG_DATA_HOME/karuku` or `~/.local/share/karuku`, macOS `~/Library/Application Support/Karuku`,
/// Windows `%LOCALAPPDATA%\Karuku`). The models folder is inside it unless the user chose another in settings.
///
/// @param dataDir   settings, chats, the model index and the download queue live here
/// @param modelsDir downloaded and copied models live here
public record KarukuPaths(Path dataDir, Path modelsDir) {

    /// The default locations for this user on this OS.
    public static KarukuPaths fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), System.getProperty("os.name"));
    }

    public static KarukuPaths fromEnvironment(Map<String, String> env, Path home, String osName) {
        Path data = dataDir(env, home, osName);
        return new KarukuPaths(data, data.resolve("models"));
    }

    /// The same data folder with the models folder the user chose (null keeps the default).
    public KarukuPaths withModelsDir(Path models) {
        return new KarukuPaths(dataDir, models == null ? dataDir.resolve("models") : models);
    }

    static Path dataDir(Map<String, String> env, Path home, String osName) {
        String karukuHome = env.get("KARUKU_HOME");
        if (karukuHome != null && !karukuHome.isBlank()) return Path.of(karukuHome);
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            return (local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local")).resolve("Karuku");
        }
        if (os.contains("mac")) return home.resolve("Library").resolve("Application Support").resolve("Karuku");
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share")).resolve("karuku");
    }

    /// The same data folder with the models folder the user chose in the app's Settings (`modelsDir` in
    /// [#settingsFile()]), so the command line finds, downloads and deletes models where the app does.
    public KarukuPaths withChosenModelsDir() {
        Path settings = settingsFile();
        if (!Files.isRegularFile(settings)) return this;
        try {
            String dir = new ObjectMapper().readTree(Files.readString(settings, StandardCharsets.UTF_8)).path("modelsDir").asText("");
            return dir.isBlank() ? this : withModelsDir(Path.of(dir));
        } catch (IOException | RuntimeException e) {
            return this; // unreadable settings: the app falls back to the default folder too
        }
    }

    /// The app's settings (the Hub token among them; owner-only).
    public Path settingsFile() {
        return dataDir.resolve("settings.json");
    }

    /// Where the rotating log files are written.
    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /// The index of installed models.
    public Path modelIndex() {
        return dataDir.resolve("models.json");
    }

    /// The persisted download queue.
    /// Quality comparisons measured on this PC (`karuku quality`, My Models' Compare quality).
    public Path qualityResults() {
        return dataDir.resolve("quality.json");
    }

    public Path downloadQueue() {
        return dataDir.resolve("downloads.json");
    }

    /// Where downloads are assembled before they are verified and moved into the models folder.
    public Path downloadStaging() {
        return modelsDir.resolve(".downloading");
    }
}
