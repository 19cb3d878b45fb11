package dev.karuku.app.server;

/// The local API switch as the user left it (Settings → Local API).
///
/// @param enabled whether the server runs (it comes back on at start when it was on)
/// @param port    the TCP port on this PC
/// @param apiKey  the key clients must send ("" for none; required when `network` is on)
/// @param network whether other devices on the network may connect (binds every interface, not just 127.0.0.1)
public record LocalServerSettings(boolean enabled, int port, String apiKey, boolean network) {
    public static final int DEFAULT_PORT = dev.karuku.cli.server.ServerOptions.DEFAULT_PORT;

    public LocalServerSettings {
        apiKey = apiKey == null ? "" : apiKey.strip();
    }

    public static LocalServerSettings defaults() {
        return new LocalServerSettings(false, DEFAULT_PORT, "", false);
    }

    /// Never prints the key.
    @Override
    public String toString() {
        return "LocalServerSettings[enabled=" + enabled + ", port=" + port + ", key=" + (apiKey.isEmpty() ? "none" : "set")
                + ", network=" + network + "]";
    }
}
