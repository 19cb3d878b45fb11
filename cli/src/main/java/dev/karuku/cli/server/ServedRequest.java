package dev.karuku.cli.server;

import java.time.Instant;

/// One request the server answered, as a live list shows it: when, from where, for which model, how it ended.
/// Never the prompt, the answer or a header (the key travels in one).
///
/// @param time             when it arrived
/// @param client           the client's address (`127.0.0.1`, or another computer's)
/// @param method           `GET`, `POST`, …
/// @param path             `/v1/chat/completions`, …
/// @param model            the model it asked for, or null (a listing, a malformed request)
/// @param status           the HTTP status answered (499: the client left before the answer)
/// @param promptTokens     prompt tokens, or -1 when no completion ran
/// @param completionTokens generated tokens, or -1 when no completion ran
/// @param finish           why the completion ended (`stop`, `length`, `cancelled` when the client left), or null
/// @param millis           how long the answer took
public record ServedRequest(Instant time, String client, String method, String path, String model, int status,
                            int promptTokens, int completionTokens, String finish, long millis) {

    /// Whether it asked a model for a completion (not a listing or a health check).
    public boolean isCompletion() {
        return path.endsWith("/completions");
    }
}
