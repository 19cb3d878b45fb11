package dev.karuku.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.serve.ServeException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;

/// What a failed exchange with a remote server means, in one line a person can act on.
final class RemoteErrors {

    private static final int MOST_BODY = 4096;

    private RemoteErrors() {}

    /// A failure before or while reading an answer: the server could not be reached, or the connection broke.
    static ServeException io(Throwable e, URI base) {
        String where = base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException)
                return unreachable("no connection to " + where + " within " + RemoteHost.CONNECT_TIMEOUT.toSeconds()
                        + " s: is the computer on and the address right?", e);
            if (t instanceof HttpTimeoutException)
                return unreachable(where + " did not answer in time", e);
            if (t instanceof ConnectException)
                return unreachable("nothing answers at " + where + " (connection refused): is the server running, "
                        + "and listening for other computers?", e);
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException)
                return unreachable("unknown host '" + base.getHost() + "': check the address", e);
            if (t instanceof SSLException)
                return unreachable("the secure connection to " + where + " failed (" + t.getMessage()
                        + "): does the server speak https, with a certificate this computer trusts?", e);
        }
        String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return unreachable("the connection to " + where + " failed: " + why, e);
    }

    private static ServeException unreachable(String message, Throwable cause) {
        return new ServeException(Kind.UNREACHABLE, message, null, List.of(), cause);
    }

    /// An answer with a status other than 200, with the server's own message where it gave one.
    ///
    /// @param listing true for `GET /models` (a 404 there means the address is not an OpenAI-compatible API)
    static ServeException status(HttpResponse<?> response, String body, URI base, boolean listing) {
        int code = response.statusCode();
        String said = serverMessage(body);
        String suffix = said.isEmpty() ? "" : ": " + said;
        return switch (code) {
            case 401 -> new ServeException(Kind.UNAUTHORIZED, base + " wants a valid API key (HTTP 401)" + suffix);
            case 403 -> new ServeException(Kind.UNAUTHORIZED, base + " refused this key (HTTP 403)" + suffix);
            case 404 -> listing
                    ? new ServeException(Kind.INVALID, "no OpenAI-compatible API at " + base
                            + " (HTTP 404): is the address right? Most servers want it to end in /v1")
                    : new ServeException(Kind.UNKNOWN_MODEL, "HTTP 404 from " + base + suffix);
            case 429 -> new ServeException(Kind.BUSY, base + " is busy (HTTP 429)" + suffix, retryAfter(response),
                    List.of(), null);
            case 400, 413, 422 -> new ServeException(Kind.INVALID, "HTTP " + code + " from " + base + suffix);
            default -> new ServeException(Kind.INTERNAL, "HTTP " + code + " from " + base + suffix);
        };
    }

    /// What an error event or an error body says: OpenAI's `{"error": {"message": …}}`, llama-server's and
    /// Ollama's variants (`error` as a string, `detail`, `message`), else the text itself, shortened.
    static String serverMessage(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode n = RemoteHost.JSON.readTree(body);
            if (n != null && n.isObject()) {
                JsonNode e = n.get("error");
                if (e != null && e.isTextual()) return oneLine(e.asText());
                if (e != null && e.has("message")) return oneLine(e.get("message").asText());
                if (n.has("detail")) return oneLine(n.get("detail").isTextual() ? n.get("detail").asText() : n.get("detail").toString());
                if (n.has("message")) return oneLine(n.get("message").asText());
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the text itself
        }
        return oneLine(body);
    }

    static String readSome(InputStream in) {
        try {
            return new String(in.readNBytes(MOST_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        try {
            return response.headers().firstValue("Retry-After").map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
                    .orElse(Duration.ofSeconds(1));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }
}
