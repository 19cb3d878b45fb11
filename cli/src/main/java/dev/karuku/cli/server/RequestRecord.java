package dev.karuku.cli.server;

import java.util.Locale;

/// What the request log says about one request: method, path, model, status, tokens, time. Never the prompt, the
/// answer or a header (the key travels in one).
final class RequestRecord {

    final String method;
    final String path;
    private final java.time.Instant time = java.time.Instant.now();
    private final long startNanos = System.nanoTime();
    volatile String model;
    volatile int status;
    volatile boolean headersSent;
    volatile int promptTokens = -1;
    volatile int completionTokens = -1;
    volatile String finish;
    volatile int drafted;
    volatile int accepted;

    RequestRecord(String method, String path) {
        this.method = method;
        this.path = path;
    }

    String line() {
        StringBuilder s = new StringBuilder();
        s.append(clean(method, 10)).append(' ').append(clean(path, 100));
        if (model != null) s.append(" model=").append(clean(model, 100));
        s.append(" status=").append(status);
        if (promptTokens >= 0) s.append(" prompt_tokens=").append(promptTokens);
        if (completionTokens >= 0) s.append(" completion_tokens=").append(completionTokens);
        if (finish != null) s.append(" finish=").append(finish);
        if (drafted > 0) s.append(" draft_accepted=").append(accepted).append('/').append(drafted);
        s.append(String.format(Locale.ROOT, " %.0f ms", (System.nanoTime() - startNanos) / 1e6));
        return s.toString();
    }

    /// The request as a [ServedRequest], for the server's request listener.
    ServedRequest served(String client) {
        return new ServedRequest(time, client, method, path, model, status, promptTokens, completionTokens, finish,
                (System.nanoTime() - startNanos) / 1_000_000);
    }

    /// A name the client chose, made safe for one log line: no line breaks or control characters, bounded length.
    private static String clean(String text, int max) {
        StringBuilder s = new StringBuilder();
        text.codePoints().limit(max).forEach(c -> s.appendCodePoint(Character.isISOControl(c) || c == ' ' ? '_' : c));
        if (text.codePointCount(0, text.length()) > max) s.append('…');
        return s.toString();
    }
}
