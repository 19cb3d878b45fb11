package dev.karuku.app.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/// Reads and writes `local-server.json` in the settings folder; it may hold the API key, so it is private to the
/// user and written atomically. A broken file reads as the defaults (off).
public final class LocalServerStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public LocalServerStore(Path file) {
        this.file = file;
    }

    public LocalServerSettings load() {
        LocalServerSettings d = LocalServerSettings.defaults();
        if (!Files.isRegularFile(file)) return d;
        try {
            JsonNode n = JSON.readTree(file.toFile());
            int port = n.path("port").asInt(d.port());
            return new LocalServerSettings(n.path("enabled").asBoolean(false), port < 1 || port > 65535 ? d.port() : port,
                    n.path("apiKey").asText(""), n.path("network").asBoolean(false));
        } catch (IOException | RuntimeException e) {
            return d;
        }
    }

    public void save(LocalServerSettings s) throws IOException {
        var n = JSON.createObjectNode().put("enabled", s.enabled()).put("port", s.port()).put("apiKey", s.apiKey())
                .put("network", s.network());
        PrivateFiles.createDirectories(file.getParent());
        PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }
}
