package dev.karuku.app.ui;

import dev.karuku.engine.llama.NativesUnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/// llama.cpp's libraries were not found: every screen that needs them (the model page's estimates, the Load
/// screen) says so with the folders looked in, under [#KEY], rather than a generic failure.
public final class NativesProblem {
    /// The message key; its `{0}` is the folders looked in.
    public static final String KEY = "natives.missing";

    private NativesProblem() {}

    /// The folders looked in, comma-separated, when `failure` (or a cause) is libraries not found.
    public static Optional<String> folders(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NativesUnavailableException n && !n.searched().isEmpty()) {
                return Optional.of(n.searched().stream().map(Path::toString).collect(Collectors.joining(", ")));
            }
        }
        return Optional.empty();
    }
}
