package dev.karuku.engine.llama;

import java.nio.file.Path;
import java.util.List;

/// llama.cpp's libraries could not be found or loaded. The message lists every path tried and what to do
/// (set `-Dkaruku.natives` / `KARUKU_NATIVES`, or add `--enable-native-access=ALL-UNNAMED`).
public final class NativesUnavailableException extends LlamaException {

    private final List<Path> searched;

    public NativesUnavailableException(String message) {
        super(message);
        this.searched = List.of();
    }

    public NativesUnavailableException(String message, Throwable cause) {
        super(message, java.util.List.of(), cause);
        this.searched = List.of();
    }

    /// The libraries are not in any of `searched` (the folders looked in, in order).
    public NativesUnavailableException(String message, List<Path> searched) {
        super(message);
        this.searched = List.copyOf(searched);
    }

    /// The folders looked in when none held the libraries; empty when they were found but could not be loaded.
    public List<Path> searched() {
        return searched;
    }
}
