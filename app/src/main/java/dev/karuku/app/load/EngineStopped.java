package dev.karuku.app.load;

import dev.karuku.engine.serve.ServeException;
import java.util.List;
import java.util.Locale;

/// The process that held a model ended unexpectedly (a `GGML_ASSERT` in llama.cpp, a GPU driver fault, killed
/// from outside): the window goes on, and this says why in llama.cpp's words.
public final class EngineStopped extends RuntimeException {
    private final String reason;

    public EngineStopped(ServeException e) {
        super(e.getMessage(), e);
        this.reason = reason(e.logTail(), reasonOf(e.getMessage()));
    }

    /// llama.cpp's last words (the assert's text), else how the process ended.
    public String reason() {
        return reason;
    }

    /// The reason in a supervisor's account of a stopped model ([dev.karuku.engine.serve.HostedModel#problem]):
    /// llama.cpp's last words when it gave any, else how the process ended ("exit code 137, SIGKILL").
    public static String reasonOf(String problem) {
        if (problem == null) return "";
        String words = "llama.cpp's last words: ";
        int i = problem.indexOf(words);
        if (i >= 0) return problem.substring(i + words.length()).strip();
        int code = problem.indexOf("(exit code");
        int end = code < 0 ? -1 : problem.indexOf(')', code);
        return end > 0 ? problem.substring(code + 1, end) : problem;
    }

    /// The line of `tail` that says why the process ended (the last `GGML_ASSERT`/`GGML_ABORT`, else the last error
    /// line), else `fallback`.
    public static String reason(List<String> tail, String fallback) {
        String assertion = null, error = null;
        for (String l : tail) {
            if (l.contains("GGML_ASSERT") || l.contains("GGML_ABORT")) assertion = l.strip();
            else if (l.toLowerCase(Locale.ROOT).contains("error")) error = l.strip();
        }
        return assertion != null ? assertion : error != null ? error : fallback;
    }
}
