package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.LogLevel;
import dev.karuku.engine.llama.LogLine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/// Collects what this thread logs during one native call, so that a NULL or negative return can be explained
/// with llama.cpp's own words rather than "failed".
public final class ThreadLog implements AutoCloseable {

    private static final Pattern FUNCTION_PREFIX = Pattern.compile("^[A-Za-z_][A-Za-z0-9_:]*: ");
    private static final Pattern GENERIC = Pattern.compile(
            "(failed to load model|failed to initialize the context|failed to create context.*)\\s*$");

    private final List<LogLine> lines = new ArrayList<>();
    private final Consumer<LogLine> sink = lines::add;

    private ThreadLog() {
        LogBridge.beginThreadCapture(sink);
    }

    public static ThreadLog start() {
        return new ThreadLog();
    }

    public List<LogLine> lines() {
        return List.copyOf(lines);
    }

    /// llama.cpp's reason for a failure: its last error lines (or warnings when it logged no error), without the
    /// `function_name: ` prefixes and without the generic "failed to load model" when a specific line exists.
    public String reason(String fallback) {
        return reason(lines, fallback);
    }

    public static String reason(List<LogLine> lines, String fallback) {
        List<String> picked = pick(lines, LogLevel.ERROR);
        if (picked.isEmpty()) picked = pick(lines, LogLevel.WARN);
        if (picked.isEmpty()) return fallback;
        List<String> specific = picked.stream().filter(s -> !GENERIC.matcher(s).find()).toList();
        List<String> use = specific.isEmpty() ? picked : specific;
        return String.join("; ", use.subList(Math.max(0, use.size() - 3), use.size()));
    }

    private static List<String> pick(List<LogLine> lines, LogLevel level) {
        List<String> out = new ArrayList<>();
        for (LogLine l : lines) {
            if (l.level() != level) continue;
            String t = l.text().strip();
            String prev;
            do {
                prev = t;
                t = FUNCTION_PREFIX.matcher(t).replaceFirst("");
            } while (!t.equals(prev));
            if (!t.isBlank()) out.add(t);
        }
        return out;
    }

    @Override
    public void close() {
        LogBridge.endThreadCapture(sink);
    }
}
