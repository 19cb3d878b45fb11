package dev.karuku.engine.serve;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/// Why a completion could not be given, with what a client needs to react: the HTTP server maps [Kind] to a status
/// (INVALID 400, UNKNOWN_MODEL 404, BUSY 429 with `Retry-After`, the rest 500/503; a body over its limit is the
/// server's own 413).
public final class ServeException extends Exception {

    public enum Kind {
        /// A value the request may not have (a bad grammar, a prompt longer than the context).
        INVALID,
        /// The model's chat template refused the conversation on purpose (`raise_exception`, e.g. Gemma 2 and a
        /// system prompt); the message is the template's own.
        TEMPLATE_REFUSED,
        /// No model answers to the requested name.
        UNKNOWN_MODEL,
        /// Every sequence is busy and the queue is full: try again after [#retryAfter()].
        BUSY,
        /// The model could not be loaded (too big, a bad file, llama.cpp refused it).
        LOAD_FAILED,
        /// The worker process serving the model died; [#logTail()] holds llama.cpp's last lines (an assert's text).
        WORKER_DIED,
        /// Anything else that went wrong inside the engine.
        INTERNAL,
        /// A remote server refused the request's key (HTTP 401 or 403), or wanted one and got none.
        UNAUTHORIZED,
        /// A remote server could not be reached: nothing listens at the address, its name is unknown, the TLS
        /// handshake failed, or it did not answer in time.
        UNREACHABLE,
        /// A remote server took the request and then stopped sending: nothing came for longer than its stall
        /// timeout, with the connection still open. What it had sent was delivered before this.
        STALLED
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final List<String> logTail;

    public ServeException(Kind kind, String message) {
        this(kind, message, null, List.of(), null);
    }

    public ServeException(Kind kind, String message, Duration retryAfter, List<String> logTail, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = retryAfter;
        this.logTail = List.copyOf(logTail);
    }

    public Kind kind() {
        return kind;
    }

    /// For BUSY: when a retry may succeed; null otherwise.
    public Duration retryAfter() {
        return retryAfter;
    }

    /// llama.cpp's last log lines before the failure (oldest first); empty when none.
    public List<String> logTail() {
        return logTail;
    }
}
