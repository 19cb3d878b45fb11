package dev.karuku.engine.llama;

import java.util.List;

/// llama.cpp refused or failed: a NULL handle or a negative return. The message is llama.cpp's own reason, taken
/// from its log (the last error lines); [#log] has every line it logged during the failed call.
public class LlamaException extends RuntimeException {

    private final List<LogLine> log;

    public LlamaException(String message) {
        this(message, List.of(), null);
    }

    public LlamaException(String message, List<LogLine> log) {
        this(message, log, null);
    }

    public LlamaException(String message, List<LogLine> log, Throwable cause) {
        super(message, cause);
        this.log = List.copyOf(log);
    }

    /// What llama.cpp logged on this thread during the call that failed (may be empty).
    public List<LogLine> log() {
        return log;
    }
}
