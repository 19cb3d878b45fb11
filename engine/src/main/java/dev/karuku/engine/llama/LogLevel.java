package dev.karuku.engine.llama;

/// `enum ggml_log_level` of llama.cpp v0.4.0. [#CONT] never reaches listeners: continuation fragments are joined
/// to the line they continue and take its level.
public enum LogLevel {
    NONE, DEBUG, INFO, WARN, ERROR, CONT;

    public static LogLevel fromNative(int level) {
        return level >= 0 && level < values().length ? values()[level] : INFO;
    }
}
