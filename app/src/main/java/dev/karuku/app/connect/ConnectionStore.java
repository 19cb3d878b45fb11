package dev.karuku.app.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// Reads and writes `connections.json` in the settings folder. It holds API keys, so it is written readable by its
/// owner only and atomically ([PrivateFiles]); a broken file reads as no connections rather than failing the start.
public final class ConnectionStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public ConnectionStore(Path file) {
        this.file = file;
    }

    public List<Connection> load() {
        if (!Files.isRegularFile(file)) return List.of();
        try {
            JsonNode n = JSON.readTree(file.toFile());
            List<Connection> out = new ArrayList<>();
            for (JsonNode c : n.path("connections")) {
                String id = c.path("id").asText("");
                String url = c.path("url").asText("");
                if (id.isBlank() || url.isBlank()) continue;
                out.add(new Connection(id, c.path("name").asText(url), url, c.path("apiKey").asText("")));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    public void save(List<Connection> connections) throws IOException {
        var root = JSON.createObjectNode();
        ArrayNode list = root.putArray("connections");
        for (Connection c : connections)
            list.addObject().put("id", c.id()).put("name", c.name()).put("url", c.url()).put("apiKey", c.apiKey());
        PrivateFiles.createDirectories(file.getParent());
        PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
