package dev.karuku.app.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// Reads and writes `settings.json`. The file holds the Hugging Face token, so on POSIX systems it is created
/// readable by its owner only (rw-------), and written atomically (temp file + move) so a crash never leaves
/// half a file (engine's [PrivateFiles]). Unknown or broken values fall back to defaults instead of failing the start.
public final class SettingsStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path defaultModelsDir;

    public SettingsStore(Path file, Path defaultModelsDir) {
        this.file = file;
        this.defaultModelsDir = defaultModelsDir;
    }

    public Path file() {
        return file;
    }

    public Settings load() {
        Settings d = Settings.defaults(defaultModelsDir);
        if (!Files.isRegularFile(file)) return d;
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return d;
        }
        if (n == null || !n.isObject()) return d;
        JsonNode l = n.path("load");
        // the best fit sets the GPU layers; a negative count in a hand-edited file reads as the default
        LoadSettings ld = LoadSettings.of(LoadSettings.ALL_LAYERS,
                Math.max(0, l.path("contextLength").asInt(LoadSettings.DEFAULTS.contextLength())),
                kvType(l.path("kvCacheType").asText("")),
                flashAttention(l.path("flashAttention")),
                Math.max(0, l.path("threads").asInt(LoadSettings.DEFAULTS.threads())));
        String dir = n.path("modelsDir").asText("");
        return new Settings(dir.isBlank() ? defaultModelsDir : Path.of(dir), n.path("hfToken").asText(""),
                parse(LanguageChoice.class, n.path("language").asText(""), LanguageChoice.SYSTEM),
                parse(ThemeChoice.class, n.path("theme").asText(""), ThemeChoice.SYSTEM), ld);
    }

    public void save(Settings s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("modelsDir", s.modelsDir().toString());
        n.put("hfToken", s.hfToken());
        n.put("language", s.language().name());
        n.put("theme", s.theme().name());
        ObjectNode l = n.putObject("load");
        l.put("contextLength", s.loadDefaults().contextLength());
        l.put("kvCacheType", s.loadDefaults().kvType().name().toLowerCase(java.util.Locale.ROOT));
        l.put("flashAttention", s.loadDefaults().flashAttention().name().toLowerCase(java.util.Locale.ROOT));
        l.put("threads", s.loadDefaults().threads());
        try {
            PrivateFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save settings to " + file + ": " + e.getMessage(), e);
        }
    }

    private static KvCacheType kvType(String text) {
        try {
            return KvCacheType.parse(text);
        } catch (IllegalArgumentException e) {
            return LoadSettings.DEFAULTS.kvType();
        }
    }

    /// `auto`, `on` or `off`; a file from before the three-way choice holds a boolean, whose `false` was the
    /// unticked box everybody started with, so it reads as AUTO (llama.cpp's default), `true` as ON.
    private static FlashAttention flashAttention(JsonNode n) {
        if (n.isBoolean()) return n.asBoolean() ? FlashAttention.ON : FlashAttention.AUTO;
        try {
            return FlashAttention.parse(n.asText(""));
        } catch (IllegalArgumentException e) {
            return LoadSettings.DEFAULTS.flashAttention();
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String name, E fallback) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
