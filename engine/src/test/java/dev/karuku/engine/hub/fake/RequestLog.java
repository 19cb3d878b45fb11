package dev.karuku.engine.hub.fake;

/// One request the fake Hub saw: enough to assert what a client sent where.
///
/// @param authorization whether an `Authorization` header was present (its value is never kept)
/// @param range         the `Range` header, or null
/// @param status        the answer's status; 0 while it is being answered, -1 when the connection was cut
public record RequestLog(String method, String path, String query, boolean authorization, String range, int status) {

    public boolean cdn() {
        return path.startsWith("/cdn/");
    }
}
