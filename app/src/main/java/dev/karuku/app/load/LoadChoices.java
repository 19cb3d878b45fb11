package dev.karuku.app.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// The load options a person chose for a model file, remembered in `load-choices.json` so the Load screen opens
/// on them next time instead of the best fit. Only options that differ from the best fit are kept: a model
/// nobody changed follows the PC (a new GPU, more free VRAM). The draft model and prompt lookup chosen for it are
/// kept too (they are never part of a best fit). Written atomically; an unreadable file counts as empty. Thread-safe.
public final class LoadChoices {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private Map<String, Choice> choices;

    /// What was chosen for one model: its options (null: its best fit) and its speculative decoding.
    private record Choice(LoadSettings settings, SpeculativeSettings speculative) {
        boolean empty() {
            return settings == null && !speculative.enabled();
        }
    }

    public LoadChoices(Path file) {
        this.file = file;
    }

    /// What was chosen for `model` (threads are 0: they are a setting of this PC).
    public synchronized Optional<LoadSettings> get(Path model) {
        Choice c = all().get(key(model));
        return Optional.ofNullable(c == null ? null : c.settings());
    }

    /// The draft model and prompt lookup chosen for `model` ([SpeculativeSettings#OFF] when none).
    public synchronized SpeculativeSettings speculative(Path model) {
        Choice c = all().get(key(model));
        return c == null ? SpeculativeSettings.OFF : c.speculative();
    }

    /// Remembers `chosen` for `model` without speculative decoding, or forgets the options when `chosen` is its best fit.
    public synchronized void remember(Path model, LoadSettings chosen, LoadSettings bestFit) {
        remember(model, chosen, bestFit, SpeculativeSettings.OFF);
    }

    /// Remembers `chosen` and `speculative` for `model`; the options are forgotten when `chosen` is its best fit, the
    /// model when neither the options nor speculative decoding were chosen.
    public synchronized void remember(Path model, LoadSettings chosen, LoadSettings bestFit, SpeculativeSettings speculative) {
        LoadSettings c = chosen.withThreads(0);
        String k = key(model);
        Choice now = new Choice(bestFit != null && c.equals(bestFit.withThreads(0)) ? null : c,
                speculative.enabled() ? speculative : SpeculativeSettings.OFF);
        boolean changed = now.empty() ? all().remove(k) != null : !now.equals(all().put(k, now));
        if (changed) save();
    }

    private Map<String, Choice> all() {
        if (choices == null) choices = read();
        return choices;
    }

    private static String key(Path model) {
        return model.toAbsolutePath().normalize().toString();
    }

    private Map<String, Choice> read() {
        Map<String, Choice> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return out;
        try {
            JsonNode models = JSON.readTree(file.toFile()).path("models");
            for (var it = models.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                JsonNode n = e.getValue();
                LoadSettings settings = !n.has("gpuLayers") ? null : LoadSettings.of(n.path("gpuLayers").asInt(0),
                        n.path("contextLength").asInt(4096), KvCacheType.parse(n.path("kvCacheType").asText("f16")),
                        FlashAttention.parse(n.path("flashAttention").asText("auto")), 0);
                SpeculativeSettings speculative = SpeculativeSettings.OFF
                        .withDraft(n.hasNonNull("draft") ? Path.of(n.path("draft").asText()) : null)
                        .withLookup(n.path("lookup").asBoolean(false));
                Choice c = new Choice(settings, speculative);
                if (!c.empty()) out.put(e.getKey(), c);
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return out;
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode models = root.putObject("models");
        choices.forEach((k, c) -> {
            ObjectNode n = models.putObject(k);
            LoadSettings r = c.settings();
            if (r != null) {
                n.put("gpuLayers", r.gpuLayers());
                n.put("contextLength", r.contextLength());
                n.put("kvCacheType", r.kvType().name().toLowerCase(Locale.ROOT));
                n.put("flashAttention", r.flashAttention().name().toLowerCase(Locale.ROOT));
            }
            if (c.speculative().draft() != null) n.put("draft", c.speculative().draft().toAbsolutePath().normalize().toString());
            if (c.speculative().lookup()) n.put("lookup", true);
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the load choices to " + file + ": " + e.getMessage(), e);
        }
    }
}
