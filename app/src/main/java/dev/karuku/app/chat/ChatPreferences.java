package dev.karuku.app.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/// The Chat screen's settings, kept in `chat-settings.json` so they are there after a restart: the sampling in use,
/// the thinking switch, JSON mode and its schema, presets saved by name (a system prompt with its sampling), and
/// the sampling last used with each model, which that model starts with next time. Written atomically; an
/// unreadable file counts as empty (the screen's defaults). Thread-safe.
public final class ChatPreferences {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);

    /// A preset saved by name: instructions and how to sample.
    public record Named(String systemPrompt, SamplingPreset preset, Sampling sampling) {}

    /// The sampling chosen for a model.
    public record ModelSampling(SamplingPreset preset, Sampling sampling) {}

    /// Everything kept.
    public record Data(SamplingPreset preset, Sampling sampling, boolean thinking, boolean jsonMode, boolean jsonAny,
                       String jsonSchema, Map<String, Named> saved, Map<String, ModelSampling> models) {
        public Data {
            saved = saved == null ? new LinkedHashMap<>() : new LinkedHashMap<>(saved);
            models = models == null ? new LinkedHashMap<>() : new LinkedHashMap<>(models);
            jsonSchema = jsonSchema == null ? "" : jsonSchema;
        }
    }

    private final Path file;

    public ChatPreferences(Path file) {
        this.file = file;
    }

    /// What was saved, or null when nothing (or nothing readable) was.
    public synchronized Data load() {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readValue(file.toFile(), Data.class);
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.karuku.app.chat").log(System.Logger.Level.WARNING, "Unreadable chat settings, using the defaults: " + file, e);
            return null;
        }
    }

    public synchronized void save(Data data) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the chat settings to " + file + ": " + e.getMessage(), e);
        }
    }
}
