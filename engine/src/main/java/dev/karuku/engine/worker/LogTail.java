package dev.karuku.engine.worker;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/// The last lines a worker wrote to stderr: llama.cpp's log and, when it aborts, ggml's `GGML_ASSERT` text.
final class LogTail {

    private final int capacity;
    private final ArrayDeque<String> lines;

    LogTail(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) lines.removeFirst();
        lines.addLast(line);
    }

    /// Oldest first.
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /// The line that says why the process failed: the last `GGML_ASSERT` or `GGML_ABORT` line, else the last error
    /// line; null when there is none (a process killed from outside says nothing).
    synchronized String reason() {
        String telling = null;
        String assertion = null;
        for (String l : lines) {
            if (l.isBlank()) continue;
            String low = l.toLowerCase(Locale.ROOT);
            if (l.contains("GGML_ASSERT") || l.contains("GGML_ABORT")) assertion = l;
            else if (low.contains("error") || low.contains("terminate called") || low.contains("exception")) telling = l;
        }
        String best = assertion != null ? assertion : telling;
        return best == null ? null : best.strip();
    }
}
