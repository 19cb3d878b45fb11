package dev.karuku.app.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
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
/// on them next time instead of the best fit. Only choices that differ from the best fit are kept: a model
/// nobody changed follows the PC (a new GPU, more free VRAM). Written atomically; an unreadable file counts as
/// empty. Thread-safe.
public final class LoadChoices {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private Map<String, LoadSettings> choices;

    public LoadChoices(Path file) {
        this.file = file;
    }

    /// What was chosen for `model` (threads are 0: they are a setting of this PC).
    public synchronized Optional<LoadSettings> get(Path model) {
        return Optional.ofNullable(all().get(key(model)));
    }

    /// Remembers `chosen` for `model`, or forgets the model when `chosen` is its best fit.
    public synchronized void remember(Path model, LoadSettings chosen, LoadSettings bestFit) {
        LoadSettings c = chosen.withThreads(0);
        String k = key(model);
        boolean changed;
        if (bestFit != null && c.equals(bestFit.withThreads(0))) changed = all().remove(k) != null;
        else changed = !c.equals(all().put(k, c));
        if (changed) save();
    }

    private Map<String, LoadSettings> all() {
        if (choices == null) choices = read();
        return choices;
    }

    private static String key(Path model) {
        return model.toAbsolutePath().normalize().toString();
    }

    private Map<String, LoadSettings> read() {
        Map<String, LoadSettings> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return out;
        try {
            JsonNode models = JSON.readTree(file.toFile()).path("models");
            for (var it = models.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                JsonNode n = e.getValue();
                out.put(e.getKey(), LoadSettings.of(n.path("gpuLayers").asInt(0), n.path("contextLength").asInt(4096),
                        KvCacheType.parse(n.path("kvCacheType").asText("f16")), FlashAttention.parse(n.path("flashAttention").asText("auto")), 0));
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
        choices.forEach((k, r) -> {
            ObjectNode n = models.putObject(k);
            n.put("gpuLayers", r.gpuLayers());
            n.put("contextLength", r.contextLength());
            n.put("kvCacheType", r.kvType().name().toLowerCase(Locale.ROOT));
            n.put("flashAttention", r.flashAttention().name().toLowerCase(Locale.ROOT));
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
