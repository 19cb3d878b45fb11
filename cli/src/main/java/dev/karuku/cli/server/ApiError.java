package dev.karuku.cli.server;

import dev.karuku.engine.serve.ServeException;

import java.time.Duration;

/// A request the server answers with an error: the HTTP status and the fields of OpenAI's error shape
/// (`{"error": {"message", "type", "param", "code"}}`). The message is for the person reading the client's output;
/// it never carries a stack trace.
///
/// @param retryAfter for 429: when to try again (the `Retry-After` header); null otherwise
final class ApiError extends Exception {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Duration retryAfter;

    ApiError(int status, String type, String code, String param, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    /// 400: a value the request may not have; `param` names the field.
    static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message, null);
    }

    static ApiError malformedJson(String detail) {
        return new ApiError(400, "invalid_request_error", "invalid_json", null,
                "the request body is not valid JSON: " + detail, null);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                "this server needs an API key: send the header 'Authorization: Bearer KEY' with the key it was started with", null);
    }

    static ApiError notFound(String what) {
        return new ApiError(404, "invalid_request_error", "not_found", null, what, null);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                path + " does not take " + method, null);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                "the request body is larger than this server's limit of " + limit + " bytes", null);
    }

    static ApiError internal() {
        return new ApiError(500, "server_error", "internal_error", null,
                "the server failed to answer this request; its log says why", null);
    }

    /// The status and words for what the model host reported.
    static ApiError of(ServeException e) {
        String message = e.getMessage() == null ? e.kind().name().toLowerCase(java.util.Locale.ROOT) : e.getMessage();
        return switch (e.kind()) {
            case INVALID -> new ApiError(400, "invalid_request_error", "invalid_value", null, message, null);
            case TEMPLATE_REFUSED -> new ApiError(400, "invalid_request_error", "template_refused", "messages", message, null);
            case UNKNOWN_MODEL -> new ApiError(404, "invalid_request_error", "model_not_found", "model", message, null);
            case BUSY -> new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null, message,
                    e.retryAfter() == null ? Duration.ofSeconds(1) : e.retryAfter());
            case LOAD_FAILED -> new ApiError(500, "server_error", "model_load_failed", "model", withLog(message, e), null);
            case WORKER_DIED -> new ApiError(503, "server_error", "worker_died", null, withLog(message, e), null);
            case INTERNAL -> new ApiError(500, "server_error", "internal_error", null, message, null);
            // a host that forwards to another server (a remote engine) could not get through: a bad gateway
            case UNAUTHORIZED, UNREACHABLE, STALLED -> new ApiError(502, "server_error", "upstream_failed", null, message, null);
        };
    }

    /// llama.cpp's last lines tell why a load failed or a worker died (an assert's text); they hold no prompt.
    private static String withLog(String message, ServeException e) {
        if (e.logTail().isEmpty()) return message;
        return message + "\nllama.cpp: " + String.join("\n", e.logTail());
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
