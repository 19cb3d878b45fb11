package dev.karuku.engine.llama;

import java.nio.file.Path;
import java.util.List;

/// A model file could not be loaded: missing, unreadable, not GGUF, corrupt, truncated, an unsupported
/// architecture, or not enough memory. The message names the file and gives the reason (llama.cpp's when it got
/// that far). The process and the engine stay usable: load another file.
public class ModelLoadException extends LlamaException {

    private final Path file;

    public ModelLoadException(Path file, String reason, List<LogLine> log) {
        super("cannot load " + file.getFileName() + ": " + reason, log);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
