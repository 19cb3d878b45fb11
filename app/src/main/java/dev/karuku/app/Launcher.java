package dev.karuku.app;

import dev.karuku.app.ui.Messages;
import java.util.Locale;
import java.util.Optional;
import javafx.application.Application;

/// Plain `main` for class-path launches: JavaFX refuses to start an `Application` subclass directly as the
/// main class when it is not on the module path, so this indirection is the entry point (of `javafx:run` and of
/// the installed launchers alike). It also turns JavaFX's start-up failures that a person can fix — no GTK 3 on
/// Linux, no display — into one line saying what to install or set, instead of a stack trace.
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        if (SingleInstance.handOff(AppHome.resolve(), java.util.List.of(args))) return; // the open window took the files
        Locale.setDefault(SystemLanguage.of(System.getenv(), Locale.getDefault(), System.getProperty("os.name", "")));
        try {
            Application.launch(KarukuApp.class, args);
        } catch (RuntimeException | Error e) {
            Optional<String> line = explain(e, new Messages(Locale.getDefault()));
            if (line.isEmpty()) throw e;
            System.err.println(line.get());
            System.exit(1);
        }
    }

    /// The one line for a failure of `Application.launch` a person can fix, or empty for any other failure.
    /// JavaFX's glass toolkit throws `UnsupportedOperationException("Unable to load glass GTK library.")` when it
    /// opened the display but could not load GTK 3, and `"Unable to open DISPLAY"` when there is no display.
    static Optional<String> explain(Throwable failure, Messages messages) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("glass GTK") || (t instanceof UnsatisfiedLinkError && m.contains("libgtk"))) {
                return Optional.of(messages.get("startup.noGtk", WINDOW_PACKAGES));
            }
            if (m.contains("Unable to open DISPLAY")) {
                String display = System.getenv("DISPLAY");
                return Optional.of(messages.get("startup.noDisplay", display == null || display.isBlank() ? "-" : display));
            }
        }
        return Optional.empty();
    }

    /// The Debian/Ubuntu packages the window needs (the README's list, less Xvfb, which only headless machines need).
    static final String WINDOW_PACKAGES = "libgtk-3-0 libxtst6 libgl1 fonts-noto-cjk";
}
