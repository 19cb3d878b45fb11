package dev.karuku.engine.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/// Reads and writes `models.json`. Written to a temporary file and renamed, so a crash never leaves half an index;
/// an unreadable index is kept aside as `models.json.broken` rather than silently overwritten.
final class ModelIndex {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelIndex() {}

    static List<InstalledModel> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return new ArrayList<>();
        List<InstalledModel> out = new ArrayList<>();
        try {
            for (JsonNode n : JSON.readTree(file.toFile()).path("models")) out.add(fromJson(n));
        } catch (IOException | RuntimeException e) {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".broken"), StandardCopyOption.REPLACE_EXISTING);
            return new ArrayList<>();
        }
        return out;
    }

    static void save(Path file, List<InstalledModel> models) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode list = root.putArray("models");
        for (InstalledModel m : models) list.add(toJson(m));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ObjectNode toJson(InstalledModel m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", m.id());
        n.put("displayName", m.displayName());
        ArrayNode files = n.putArray("files");
        m.files().forEach(p -> files.add(p.toString()));
        n.put("origin", m.origin().name());
        n.put("sizeBytes", m.sizeBytes());
        ArrayNode shas = n.putArray("sha256s");
        m.sha256s().forEach(shas::add);
        ObjectNode f = n.putObject("facts");
        f.put("name", m.facts().name());
        f.put("architecture", m.facts().architecture());
        f.put("fileType", m.facts().fileType());
        f.put("parameters", m.facts().parameters());
        f.put("contextLength", m.facts().contextLength());
        f.put("blockCount", m.facts().blockCount());
        if (m.source() != null) {
            ObjectNode s = n.putObject("source");
            s.put("repo", m.source().repo());
            s.put("commit", m.source().commit());
            s.put("quant", m.source().quant());
            ArrayNode paths = s.putArray("paths");
            m.source().paths().forEach(paths::add);
        }
        n.put("added", m.added().toString());
        return n;
    }

    private static InstalledModel fromJson(JsonNode n) {
        List<Path> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(Path.of(f.asText())));
        List<String> shas = new ArrayList<>();
        n.path("sha256s").forEach(s -> shas.add(s.asText()));
        JsonNode f = n.path("facts");
        ModelFacts facts = new ModelFacts(f.path("name").asText(""), f.path("architecture").asText("unknown"),
                f.path("fileType").asText("unknown"), f.path("parameters").asLong(0), f.path("contextLength").asLong(0),
                f.path("blockCount").asLong(0));
        JsonNode s = n.path("source");
        InstalledModel.HubSource source = null;
        if (s.isObject()) {
            List<String> paths = new ArrayList<>();
            s.path("paths").forEach(p -> paths.add(p.asText()));
            source = new InstalledModel.HubSource(s.path("repo").asText(), s.path("commit").asText(), s.path("quant").asText(), paths);
        }
        return new InstalledModel(n.path("id").asText(), n.path("displayName").asText(), files,
                InstalledModel.Origin.valueOf(n.path("origin").asText("IN_PLACE")), n.path("sizeBytes").asLong(0), shas,
                facts, source, Instant.parse(n.path("added").asText("1970-01-01T00:00:00Z")));
    }
}
