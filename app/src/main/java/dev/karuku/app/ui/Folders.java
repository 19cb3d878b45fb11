package dev.karuku.app.ui;

import dev.karuku.engine.store.PrivateFiles;
import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executor;

/// Shows a folder in the system's file manager, on a background thread: a file manager slow to start must not
/// freeze the window. On Linux through `xdg-open`, which keeps AWT out of the JavaFX process; elsewhere through
/// [Desktop], with `open` or `explorer` when it is missing.
public final class Folders {
    private static final System.Logger LOG = System.getLogger("dev.karuku.app.ui");

    private Folders() {}

    public static void open(Path dir, Executor background) {
        background.execute(() -> {
            try {
                PrivateFiles.createDirectories(dir);
                String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
                boolean mac = os.contains("mac");
                boolean windows = os.contains("win");
                if (!mac && !windows) {
                    start("xdg-open", dir);
                } else if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.OPEN)) {
                    Desktop.getDesktop().open(dir.toFile());
                } else {
                    start(mac ? "open" : "explorer", dir);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not open the folder " + dir, e);
            }
        });
    }

    private static void start(String command, Path dir) throws IOException {
        new ProcessBuilder(command, dir.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
