package dev.karuku.app;

import java.awt.Desktop;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/// macOS does not pass a double-clicked document as an argument: it sends the running app (started for it, or
/// already open) an open-file event, which Java delivers through `Desktop.setOpenFileHandler`. Elsewhere files
/// come as arguments, and a later launch hands them over through [SingleInstance].
final class MacOpenFiles {
    private MacOpenFiles() {}

    /// Sends the files of every open-file event to `open`; does nothing where the platform has no such event.
    static void install(Consumer<List<Path>> open) {
        // Only on macOS: elsewhere the event does not exist, and asking would start AWT for nothing.
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac")) return;
        try {
            if (!Desktop.isDesktopSupported() || !Desktop.getDesktop().isSupported(Desktop.Action.APP_OPEN_FILE)) return;
            Desktop.getDesktop().setOpenFileHandler(e -> open.accept(e.getFiles().stream().map(java.io.File::toPath).toList()));
        } catch (RuntimeException | LinkageError e) {
            // no AWT in this runtime, or no desktop: files still come as arguments
        }
    }
}
