package dev.karuku.engine.library;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.store.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Reads and writes `models.json` so that nothing in it is lost: the file is replaced atomically and owner-only;
/// an entry this version cannot read (an origin of a newer version, a damaged value) is skipped but written back
/// as it was, as are fields this version does not know; from a torn file (a power cut before the data reached the
/// disk) every complete entry is read, and the torn file is kept aside as `models.json.broken`.
final class ModelIndex {

    private static final ObjectMapper JSON = new ObjectMapper();

    /// What was read: the models, the entries kept as they were, and what went wrong (null when nothing did).
    static final class Index {
        final List<InstalledModel> models = new ArrayList<>();
        final Map<String, ObjectNode> originals = new LinkedHashMap<>();
        final List<JsonNode> unreadable = new ArrayList<>();
        ObjectNode root = JSON.createObjectNode();
        boolean torn;
        String problem;
    }

    private ModelIndex() {}

    static Index load(Path file) throws IOException {
        Index index = new Index();
        if (!Files.isRegularFile(file)) return index;
        byte[] bytes = Files.readAllBytes(file);
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("models") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() == null) throw new IOException("the file ends inside the list");
                        add(index, p.readValueAsTree());
                    }
                } else {
                    index.root.set(field, p.readValueAsTree());
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("the file ends early");
        } catch (IOException | RuntimeException e) {
            index.torn = true;
            PrivateFiles.keepAside(file, bytes);
        }
        if (index.torn) {
            index.problem = "models.json is damaged (" + index.models.size() + " model(s) read from it); a copy is kept as "
                    + file.getFileName() + ".broken";
        } else if (!index.unreadable.isEmpty()) {
            index.problem = index.unreadable.size() + " entry(ies) of models.json could not be read (saved by a newer "
                    + "version?); they are kept as they are";
        }
        return index;
    }

    private static void add(Index index, JsonNode n) {
        try {
            if (!n.isObject()) throw new IllegalArgumentException("not an object");
            InstalledModel m = fromJson(n);
            index.models.add(m);
            index.originals.put(m.id(), (ObjectNode) n);
        } catch (RuntimeException e) {
            index.unreadable.add(n);
        }
    }

    /// Writes `models` plus what `read` kept (entries it could not read, unknown fields), over `file`.
    static void save(Path file, Index read, List<InstalledModel> models) throws IOException {
        ObjectNode root = read.root.deepCopy();
        root.put("version", 1);
        ArrayNode list = root.putArray("models");
        for (InstalledModel m : models) {
            ObjectNode n = read.originals.containsKey(m.id()) ? read.originals.get(m.id()).deepCopy() : JSON.createObjectNode();
            list.add(toJson(m, n));
        }
        for (JsonNode n : read.unreadable) {
            String id = n.path("id").asText(null);
            if (id == null || models.stream().noneMatch(m -> m.id().equals(id))) list.add(n);
        }
        PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    private static ObjectNode toJson(InstalledModel m, ObjectNode n) {
        n.put("id", m.id());
        n.put("displayName", m.displayName());
        ArrayNode files = n.putArray("files");
        m.files().forEach(p -> files.add(p.toString()));
        n.put("origin", m.origin().name());
        n.put("sizeBytes", m.sizeBytes());
        ArrayNode shas = n.putArray("sha256s");
        m.sha256s().forEach(shas::add);
        ObjectNode f = n.has("facts") && n.get("facts").isObject() ? (ObjectNode) n.get("facts") : n.putObject("facts");
        f.put("name", m.facts().name());
        f.put("architecture", m.facts().architecture());
        f.put("fileType", m.facts().fileType());
        f.put("parameters", m.facts().parameters());
        f.put("contextLength", m.facts().contextLength());
        f.put("blockCount", m.facts().blockCount());
        if (m.source() != null) {
            ObjectNode s = n.has("source") && n.get("source").isObject() ? (ObjectNode) n.get("source") : n.putObject("source");
            s.put("repo", m.source().repo());
            s.put("commit", m.source().commit());
            s.put("quant", m.source().quant());
            ArrayNode paths = s.putArray("paths");
            m.source().paths().forEach(paths::add);
        } else {
            n.remove("source");
        }
        n.put("added", m.added().toString());
        return n;
    }

    private static InstalledModel fromJson(JsonNode n) {
        List<Path> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(Path.of(f.asText())));
        if (files.isEmpty() || n.path("id").asText("").isBlank()) throw new IllegalArgumentException("no id or no files");
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
