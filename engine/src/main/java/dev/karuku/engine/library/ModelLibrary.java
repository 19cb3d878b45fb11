package dev.karuku.engine.library;

import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hub.GgufHeaderParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The models on this PC: downloaded ones in the models folder, imported files, and models found in other apps'
/// folders. Every file is checked with the GGUF reader before it is listed, so the list never offers a model that
/// cannot load; deleting removes only files Karuku owns.
public final class ModelLibrary {

    /// How a local file joins the library.
    public enum ImportMode { COPY, MOVE, IN_PLACE }

    private static final Pattern SHARD = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$", Pattern.CASE_INSENSITIVE);

    private final KarukuPaths paths;
    private final GgufHeaderParser parser;

    public ModelLibrary(KarukuPaths paths) {
        this(paths, GgufReader::read);
    }

    public ModelLibrary(KarukuPaths paths, GgufHeaderParser parser) {
        this.paths = paths;
        this.parser = parser;
    }

    public KarukuPaths paths() {
        return paths;
    }

    public synchronized List<InstalledModel> list() throws IOException {
        return List.copyOf(ModelIndex.load(paths.modelIndex()));
    }

    /// A model by id, by a unique id suffix (`Tiny-Chat-GGUF:Q4_K_M`), by display name or by file name.
    public synchronized Optional<InstalledModel> find(String key) throws IOException {
        List<InstalledModel> all = list();
        for (InstalledModel m : all) if (m.id().equalsIgnoreCase(key)) return Optional.of(m);
        List<InstalledModel> hits = new ArrayList<>();
        for (InstalledModel m : all) {
            String k = key.toLowerCase(Locale.ROOT);
            if (m.id().toLowerCase(Locale.ROOT).endsWith(k) || m.displayName().equalsIgnoreCase(key)
                    || m.primaryFile().getFileName().toString().equalsIgnoreCase(key)) hits.add(m);
        }
        return hits.size() == 1 ? Optional.of(hits.getFirst()) : Optional.empty();
    }

    /// Registers verified downloaded files (already in the models folder) as one model.
    public synchronized InstalledModel addDownloaded(InstalledModel.HubSource source, List<Path> files, List<String> sha256s)
            throws IOException {
        Summary s = summarize(files);
        String id = source.repo() + ":" + source.quant();
        String name = source.repo().substring(source.repo().indexOf('/') + 1) + " " + source.quant();
        return put(new InstalledModel(id, name, files, InstalledModel.Origin.DOWNLOADED, s.size, sha256s, s.facts, source, Instant.now()));
    }

    /// Adds a local `.gguf` (with its other shards, if it is shard 1 of a split model). The file is checked first;
    /// a file that is not a valid GGUF is refused with the reader's reason and nothing changes.
    public synchronized InstalledModel importFile(Path file, ImportMode mode) throws IOException {
        Path src = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(src)) throw new LibraryException("library.error.notFound", "no such file: " + file);
        List<Path> files = withShards(src);
        Summary s = summarize(files);
        List<Path> stored = files;
        if (mode != ImportMode.IN_PLACE) {
            Path dir = paths.modelsDir().resolve("local");
            Files.createDirectories(dir);
            stored = new ArrayList<>();
            for (Path f : files) {
                Path target = dir.resolve(f.getFileName().toString());
                if (Files.exists(target)) throw new LibraryException("library.error.exists", "already in the models folder: " + target.getFileName());
                if (mode == ImportMode.MOVE) Files.move(f, target);
                else Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                stored.add(target);
            }
        }
        String base = baseName(files.getFirst());
        InstalledModel.Origin origin = mode == ImportMode.IN_PLACE ? InstalledModel.Origin.IN_PLACE : InstalledModel.Origin.IMPORTED;
        return put(new InstalledModel(uniqueId("local:" + base), base, stored, origin, s.size, List.of(), s.facts, null, Instant.now()));
    }

    /// Lists a model found in another app's folder, read-only: its files are never moved or deleted.
    public synchronized InstalledModel addFound(FoundModel found) throws IOException {
        Summary s = summarize(found.files());
        return put(new InstalledModel(uniqueId(found.source().idPrefix() + found.name()), found.name(), found.files(),
                InstalledModel.Origin.FOUND, s.size, List.of(), s.facts, null, Instant.now()));
    }

    /// Removes a model from the list; deletes its files only when Karuku owns them.
    public synchronized InstalledModel remove(String key) throws IOException {
        InstalledModel m = find(key).orElseThrow(() -> new LibraryException("library.error.unknownModel",
                "no installed model \"" + key + "\" (see `karuku list`)"));
        List<InstalledModel> all = new ArrayList<>(ModelIndex.load(paths.modelIndex()));
        all.removeIf(x -> x.id().equals(m.id()));
        ModelIndex.save(paths.modelIndex(), all);
        if (m.origin().owned()) {
            Path root = paths.modelsDir().toAbsolutePath().normalize();
            for (Path f : m.files()) {
                Path p = f.toAbsolutePath().normalize();
                if (!p.startsWith(root)) continue; // never delete outside the models folder
                Files.deleteIfExists(p);
                for (Path d = p.getParent(); d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
                    try (var entries = Files.list(d)) {
                        if (entries.findAny().isPresent()) break;
                    }
                    Files.delete(d);
                }
            }
        }
        return m;
    }

    private InstalledModel put(InstalledModel m) throws IOException {
        List<InstalledModel> all = new ArrayList<>(ModelIndex.load(paths.modelIndex()));
        all.removeIf(x -> x.id().equals(m.id()));
        all.add(m);
        ModelIndex.save(paths.modelIndex(), all);
        return m;
    }

    private String uniqueId(String base) throws IOException {
        List<InstalledModel> all = ModelIndex.load(paths.modelIndex());
        String id = base;
        for (int i = 2; ; i++) {
            String candidate = id;
            if (all.stream().noneMatch(m -> m.id().equals(candidate))) return id;
            id = base + "-" + i;
        }
    }

    private record Summary(ModelFacts facts, long size) {}

    private Summary summarize(List<Path> files) throws IOException {
        List<GgufFile> headers = new ArrayList<>();
        long size = 0;
        for (Path f : files) {
            try (var source = dev.karuku.engine.gguf.FileByteSource.open(f)) {
                headers.add(parser.parse(source));
            } catch (GgufException e) {
                throw new LibraryException("library.error.notGguf", f.getFileName() + " is not a usable GGUF model: " + e.getMessage(), e);
            }
            size += Files.size(f);
        }
        long params = 0;
        for (GgufFile h : headers) for (TensorInfo t : h.tensors()) params += t.elements();
        return new Summary(ModelFacts.of(headers.getFirst(), params), size);
    }

    /// `x-00001-of-00003.gguf` → all three shards (refused if one is missing); other files → themselves.
    static List<Path> withShards(Path first) throws LibraryException {
        Matcher m = SHARD.matcher(first.getFileName().toString());
        if (!m.matches()) return List.of(first);
        int total = Integer.parseInt(m.group(3));
        List<Path> out = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            Path p = first.resolveSibling(String.format(Locale.ROOT, "%s-%05d-of-%05d.gguf", m.group(1), i, total));
            if (!Files.isRegularFile(p)) throw new LibraryException("library.error.missingShard", "missing part " + i + " of " + total + ": " + p.getFileName());
            out.add(p);
        }
        return out;
    }

    private static String baseName(Path f) {
        String n = f.getFileName().toString();
        Matcher m = SHARD.matcher(n);
        if (m.matches()) return m.group(1);
        return n.toLowerCase(Locale.ROOT).endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
    }
}
