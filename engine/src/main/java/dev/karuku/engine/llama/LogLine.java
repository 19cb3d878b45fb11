package dev.karuku.engine.llama;

/// One complete line of llama.cpp's log, without its newline, e.g.
/// `load_tensors:   CPU_Mapped model buffer size =   634.75 MiB`.
public record LogLine(LogLevel level, String text) {

    @Override
    public String toString() {
        return level + " " + text;
    }
}
