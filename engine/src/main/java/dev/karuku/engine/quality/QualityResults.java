package dev.karuku.engine.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.store.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/// The comparisons measured on this PC, kept per model file, reference file and text (`quality.json` in the data
/// folder, owner-only). A new measurement of the same three replaces the old one; entries this version cannot read
/// are kept as they are. Only finished measurements are stored: a cancelled one never is.
public final class QualityResults {

    /// One stored measurement.
    ///
    /// @param model     the measured file
    /// @param reference the file it was compared with
    /// @param textId    `sample` for the bundled text, else `sha256:<hex>` of the user's text
    /// @param sizeBytes the measured file's size
    public record Entry(Path model, Path reference, String textId, long sizeBytes, QualityReport report, Instant measuredAt) {
        public Entry {
            Objects.requireNonNull(model);
            Objects.requireNonNull(reference);
            Objects.requireNonNull(textId);
            Objects.requireNonNull(report);
        }
    }

    public static final String SAMPLE = "sample";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public QualityResults(Path file) {
        this.file = file;
    }

    /// The id a text is stored under.
    public static String textId(String text) {
        if (text.equals(SampleText.text())) return SAMPLE;
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /// Every readable entry, oldest first.
    public synchronized List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : read()) {
            Entry e = parse(n);
            if (e != null) out.add(e);
        }
        return out;
    }

    /// Stores `e`, replacing an earlier measurement of the same model, reference and text.
    public synchronized void put(Entry e) throws IOException {
        ArrayNode all = JSON.createArrayNode();
        if (Files.isRegularFile(file) && unreadable()) PrivateFiles.keepAside(file, Files.readAllBytes(file)); // lose nothing
        for (JsonNode n : read()) {
            Entry old = parse(n);
            if (old != null && old.model().equals(e.model()) && old.reference().equals(e.reference()) && old.textId().equals(e.textId())) continue;
            all.add(n);
        }
        all.add(write(e));
        PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
        PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }

    private boolean unreadable() {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            return root == null || !root.isArray();
        } catch (IOException e) {
            return true;
        }
    }

    private List<JsonNode> read() {
        if (!Files.isRegularFile(file)) return List.of();
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<JsonNode> out = new ArrayList<>();
            if (root != null && root.isArray()) root.forEach(out::add);
            return out;
        } catch (IOException e) {
            return List.of(); // unreadable: measured again on request; the file is only replaced by a later put
        }
    }

    private static ObjectNode write(Entry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", e.model().toString());
        o.put("reference", e.reference().toString());
        o.put("text", e.textId());
        o.put("sizeBytes", e.sizeBytes());
        o.put("measuredAt", e.measuredAt().toString());
        QualityReport r = e.report();
        o.put("perplexity", r.perplexity());
        o.put("referencePerplexity", r.referencePerplexity());
        ObjectNode k = o.putObject("kld");
        k.put("mean", r.kld().mean());
        k.put("median", r.kld().median());
        k.put("p99", r.kld().p99());
        k.put("max", r.kld().max());
        o.put("top1Agreement", r.top1Agreement());
        o.put("tokens", r.tokens());
        o.put("chunks", r.chunks());
        o.put("ctx", r.contextLength());
        return o;
    }

    private static Entry parse(JsonNode o) {
        try {
            if (!o.hasNonNull("model") || !o.hasNonNull("reference") || !o.hasNonNull("perplexity") || !o.has("kld")) return null;
            JsonNode k = o.get("kld");
            QualityReport r = new QualityReport(o.get("perplexity").asDouble(), o.path("referencePerplexity").asDouble(),
                    new QualityReport.Kld(k.path("mean").asDouble(), k.path("median").asDouble(), k.path("p99").asDouble(), k.path("max").asDouble()),
                    o.path("top1Agreement").asDouble(), o.path("tokens").asInt(), o.path("chunks").asInt(), o.path("ctx").asInt());
            return new Entry(Path.of(o.get("model").asText()), Path.of(o.get("reference").asText()), o.path("text").asText(SAMPLE),
                    o.path("sizeBytes").asLong(), r, Instant.parse(o.path("measuredAt").asText(Instant.EPOCH.toString())));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
