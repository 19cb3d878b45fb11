package dev.karuku.engine.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/// Finds GGUF models other tools already downloaded, so users need not download them twice: the Hugging Face cache
/// (`HF_HUB_CACHE`, `$HF_HOME/hub`, `~/.cache/huggingface/hub` snapshots, which llama.cpp shares), LM Studio
/// (`~/.lmstudio/models`, `~/.cache/lm-studio/models`) and Ollama (`~/.ollama/models` or `OLLAMA_MODELS`; its
/// manifests name the blob holding the model layer). Read-only: nothing found is ever moved or deleted.
public final class OtherAppsModels {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model";

    private final Map<String, String> env;
    private final Path home;

    public OtherAppsModels() {
        this(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public OtherAppsModels(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public List<FoundModel> scan() {
        List<FoundModel> out = new ArrayList<>();
        out.addAll(huggingFaceCache());
        out.addAll(lmStudio());
        out.addAll(ollama());
        return out;
    }

    /// `models--org--name/snapshots/<commit>/…/*.gguf` (symlinks into `blobs/` are followed).
    public List<FoundModel> huggingFaceCache() {
        Path cache = envPath("HF_HUB_CACHE").or(() -> envPath("HUGGINGFACE_HUB_CACHE"))
                .orElseGet(() -> dev.karuku.engine.hub.HubConfig.hfHome(env, home).resolve("hub"));
        List<FoundModel> out = new ArrayList<>();
        for (Path repo : children(cache)) {
            String dir = repo.getFileName().toString();
            if (!dir.startsWith("models--")) continue;
            String repoId = dir.substring("models--".length()).replace("--", "/");
            for (Path snapshot : children(repo.resolve("snapshots"))) {
                for (Path f : ggufs(snapshot, 4)) {
                    String rel = snapshot.relativize(f).toString().replace('\\', '/');
                    add(out, FoundModel.Source.HUGGING_FACE_CACHE, repoId + "/" + rel, f);
                }
            }
        }
        return out;
    }

    public List<FoundModel> lmStudio() {
        List<FoundModel> out = new ArrayList<>();
        for (Path root : List.of(home.resolve(".lmstudio").resolve("models"), home.resolve(".cache").resolve("lm-studio").resolve("models"))) {
            for (Path f : ggufs(root, 4)) add(out, FoundModel.Source.LM_STUDIO, root.relativize(f).toString().replace('\\', '/'), f);
        }
        return out;
    }

    /// `manifests/<registry>/<namespace>/<model>/<tag>` → the layer of type `application/vnd.ollama.image.model` →
    /// `blobs/sha256-<hex>`, which is a plain GGUF file.
    public List<FoundModel> ollama() {
        Path root = envPath("OLLAMA_MODELS").orElseGet(() -> home.resolve(".ollama").resolve("models"));
        Path manifests = root.resolve("manifests");
        List<FoundModel> out = new ArrayList<>();
        if (!Files.isDirectory(manifests)) return out;
        try (Stream<Path> s = Files.walk(manifests, 5)) {
            for (Path m : s.filter(Files::isRegularFile).toList()) {
                JsonNode json;
                try {
                    json = JSON.readTree(m.toFile());
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                for (JsonNode layer : json.path("layers")) {
                    if (!OLLAMA_MODEL_LAYER.equals(layer.path("mediaType").asText())) continue;
                    String digest = layer.path("digest").asText("");
                    if (!digest.matches("sha256[:-][0-9a-f]{64}")) continue;
                    Path blob = root.resolve("blobs").resolve(digest.replace(':', '-'));
                    if (!Files.isRegularFile(blob)) continue;
                    Path rel = manifests.relativize(m);
                    int n = rel.getNameCount();
                    String model = n >= 2 ? rel.getName(n - 2) + ":" + rel.getName(n - 1) : rel.toString();
                    String ns = n >= 3 ? rel.getName(n - 3).toString() : "";
                    add(out, FoundModel.Source.OLLAMA, ns.equals("library") || ns.isEmpty() ? model : ns + "/" + model, blob);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return out;
        }
        return out;
    }

    private static void add(List<FoundModel> out, FoundModel.Source source, String name, Path f) {
        String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.contains("mmproj") || lower.contains("imatrix")) return;
        if (lower.matches(".*-\\d{5}-of-\\d{5}\\.gguf") && !lower.matches(".*-00001-of-\\d{5}\\.gguf")) return;
        try {
            List<Path> files = ModelLibrary.withShards(f);
            long size = 0;
            for (Path p : files) size += Files.size(p);
            out.add(new FoundModel(source, name, files, size));
        } catch (IOException e) {
            // an incomplete split set or an unreadable file is simply not offered
        }
    }

    private java.util.Optional<Path> envPath(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(v));
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> ggufs(Path dir, int depth) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir, depth, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }
}
