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

    private static final System.Logger LOG = System.getLogger("dev.karuku.engine.library");

    private final KarukuPaths paths;
    private final GgufHeaderParser parser;
    private String lastProblem;

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
        return List.copyOf(index().models);
    }

    /// What was wrong with `models.json` when it was last read (a torn write, entries of a newer version), in words
    /// for people; empty when nothing was. What could be read is listed all the same.
    public synchronized Optional<String> problem() {
        return Optional.ofNullable(lastProblem);
    }

    /// A model by id, by a unique id suffix (`Tiny-Chat-GGUF:Q4_K_M`), by display name or by file name.
    public synchronized Optional<InstalledModel> find(String key) throws IOException {
        if (key == null || key.isBlank()) return Optional.empty(); // "" is a suffix of every id
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
        // `repo:quant` unless another file of the repo has the same quant label (A-Q4_K_M.gguf, B-Q4_K_M.gguf): then the
        // file's own name, so one never replaces the other in the list; a file downloaded again keeps its id
        String id = source.repo() + ":" + source.quant();
        String name = source.repo().substring(source.repo().indexOf('/') + 1) + " " + source.quant();
        String taken = id;
        Path first = files.getFirst().toAbsolutePath().normalize();
        List<InstalledModel> all = index().models;
        Optional<InstalledModel> again = all.stream().filter(m -> sameFile(m.primaryFile(), first)).findFirst();
        if (again.isPresent()) {
            id = again.get().id();
            name = again.get().displayName();
        } else if (all.stream().anyMatch(m -> m.id().equals(taken))) {
            id = uniqueId(source.repo() + ":" + baseName(first));
            name = source.repo().substring(source.repo().indexOf('/') + 1) + " " + baseName(first);
        }
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

    /// Lists a file made on this PC from a model here (a smaller version, quantized next to its source): Karuku
    /// owns it as it owns an imported copy.
    public synchronized InstalledModel addMade(Path file) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        Summary s = summarize(List.of(f));
        String base = baseName(f);
        return put(new InstalledModel(uniqueId("local:" + base), base, List.of(f), InstalledModel.Origin.IMPORTED, s.size, List.of(),
                s.facts, null, Instant.now()));
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
        ModelIndex.Index index = index();
        List<InstalledModel> all = new ArrayList<>(index.models);
        all.removeIf(x -> x.id().equals(m.id()));
        ModelIndex.save(paths.modelIndex(), index, all);
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

    /// Adds `m`, replacing the entry with its id or its file (a re-download, a file imported again).
    private InstalledModel put(InstalledModel m) throws IOException {
        ModelIndex.Index index = index();
        List<InstalledModel> all = new ArrayList<>(index.models);
        all.removeIf(x -> x.id().equals(m.id()) || sameFile(x.primaryFile(), m.primaryFile()));
        all.add(m);
        ModelIndex.save(paths.modelIndex(), index, all);
        return m;
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /// Reads the index; from a torn one, the models in the models folder it lost are found again.
    private ModelIndex.Index index() throws IOException {
        ModelIndex.Index index = ModelIndex.load(paths.modelIndex());
        if (index.torn) {
            int found = recover(index);
            if (found > 0) index.problem += "; " + found + " model(s) found again in the models folder";
        }
        if (index.problem != null && !index.problem.equals(lastProblem)) LOG.log(System.Logger.Level.WARNING, index.problem);
        lastProblem = index.problem;
        return index;
    }

    /// Lists the GGUF files of the models folder that no entry of a torn index names, as copies Karuku owns.
    private int recover(ModelIndex.Index index) {
        java.util.Set<Path> known = new java.util.HashSet<>();
        for (InstalledModel m : index.models) for (Path f : m.files()) known.add(f.toAbsolutePath().normalize());
        for (var n : index.unreadable) n.path("files").forEach(f -> known.add(Path.of(f.asText()).toAbsolutePath().normalize()));
        Path root = paths.modelsDir().toAbsolutePath().normalize();
        int found = 0;
        for (Path f : ModelFiles.models(root)) {
            String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (known.contains(f) || lower.contains("mmproj") || lower.contains("imatrix")) continue;
            try {
                List<Path> files = withShards(f);
                Summary s = summarize(files);
                Path rel = root.relativize(f);
                String base = baseName(f);
                String wanted = rel.getNameCount() >= 3 ? rel.getName(0) + "/" + rel.getName(1) + ":" + base : "local:" + base;
                String id = wanted;
                for (int i = 2; idTaken(index.models, id); i++) id = wanted + "-" + i;
                index.models.add(new InstalledModel(id, base, files, InstalledModel.Origin.IMPORTED, s.size, List.of(), s.facts,
                        null, Files.getLastModifiedTime(f).toInstant()));
                found++;
            } catch (IOException | RuntimeException e) {
                // not a usable model: not offered
            }
        }
        return found;
    }

    private static boolean idTaken(List<InstalledModel> all, String id) {
        return all.stream().anyMatch(m -> m.id().equals(id));
    }

    private String uniqueId(String base) throws IOException {
        List<InstalledModel> all = index().models;
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
