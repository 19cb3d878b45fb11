package dev.karuku.app.connect;

import java.util.Objects;

/// A server the user added under Settings → Connections.
///
/// @param id     stable, for the store and the picker (not shown)
/// @param name   what the user calls it ("Desk PC"); labels its models in the Chat screen's picker
/// @param url    the API's base as typed and normalised (`http://192.168.1.20:8090/v1`)
/// @param apiKey the key sent as `Authorization: Bearer`, or "" for none; stored on this PC only
public record Connection(String id, String name, String url, String apiKey) {
    public Connection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        apiKey = apiKey == null ? "" : apiKey.strip();
    }

    /// Never prints the key: connections may end up in a log.
    @Override
    public String toString() {
        return "Connection[" + name + ", " + url + (apiKey.isEmpty() ? "" : ", key set") + "]";
    }
}
