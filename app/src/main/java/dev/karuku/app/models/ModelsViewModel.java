package dev.karuku.app.models;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.library.FoundModel;
import dev.karuku.engine.library.LibraryException;
import dev.karuku.engine.library.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// My Models: the GGUF files in the models folder (headers read in the background), import (copy in), delete;
/// after them the models other apps downloaded (Hugging Face cache, LM Studio, Ollama), which can be loaded where
/// they are but are never deleted from here.
public final class ModelsViewModel {
    private static final System.Logger LOG = System.getLogger("dev.karuku.app.models");

    private final Supplier<Path> modelsDir;
    private final Supplier<List<FoundModel>> otherApps;
    private final Executor background;
    private final UiThread ui;
    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<ModelEntry> modelsReadOnly = FXCollections.unmodifiableObservableList(models);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorDetail = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ObjectProperty<Path> loadedFile = new javafx.beans.property.SimpleObjectProperty<>();

    /// @param otherApps finds other apps' models (`new OtherAppsModels()::scan`); runs in the background
    public ModelsViewModel(Supplier<Path> modelsDir, Supplier<List<FoundModel>> otherApps, Executor background, UiThread ui) {
        this.modelsDir = modelsDir;
        this.otherApps = otherApps;
        this.background = background;
        this.ui = ui;
    }

    private volatile dev.karuku.engine.quality.QualityResults qualityResults;

    /// Where quality comparisons are kept (the data folder's `quality.json`); without it Compare quality is hidden.
    public void useQualityResults(dev.karuku.engine.quality.QualityResults results) {
        this.qualityResults = results;
    }

    private volatile dev.karuku.engine.library.ModelLibrary library;

    /// The library a smaller version made here joins (without it the file is still listed, from the folder).
    public void useLibrary(dev.karuku.engine.library.ModelLibrary library) {
        this.library = library;
    }

    /// Whether "Make a smaller version…" is offered for `m`: a readable F32, F16, BF16 or Q8_0 file of Karuku's own
    /// (another app's folder is not written to).
    public boolean canShrink(ModelEntry m) {
        return qualityResults != null && !m.readOnly() && m.problem().isEmpty() && dev.karuku.engine.quality.SmallerVersion.canShrink(m.quant());
    }

    /// The "Make a smaller version" dialog's state for `m` (it starts working out the size at once).
    public SmallerVersionViewModel smaller(ModelEntry m) {
        return new SmallerVersionViewModel(m, qualityResults, library, this::refresh, background, ui);
    }

    /// Where quality comparisons are kept; null when none are.
    public dev.karuku.engine.quality.QualityResults qualityResults() {
        return qualityResults;
    }

    /// A comparison of `m` with another file of the same model, or empty when there is none to compare with.
    public Optional<QualityCompareViewModel> compare(ModelEntry m) {
        if (qualityResults == null || !m.problem().isEmpty() || QualityCompareViewModel.references(m, models).isEmpty()) return Optional.empty();
        return Optional.of(new QualityCompareViewModel(m, List.copyOf(models), qualityResults, ui));
    }

    public ObservableList<ModelEntry> models() { return modelsReadOnly; }
    /// The message key of what went wrong ("" when fine), with [#errorDetail] as its argument.
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// The files refused at import, or the system's reason a file could not be copied or deleted.
    public ReadOnlyStringProperty errorDetail() { return errorDetail.getReadOnlyProperty(); }
    public Path dir() { return modelsDir.get(); }
    /// The file of the model loaded now (null when none): its row is marked.
    public javafx.beans.property.ObjectProperty<Path> loadedFile() { return loadedFile; }

    // Commands

    public void refresh() {
        Path dir = modelsDir.get();
        background.execute(() -> {
            List<ModelEntry> found = all(dir);
            ui.execute(() -> models.setAll(found));
        });
    }

    /// Copies `files` into the models folder and refreshes. A file that is not a GGUF model (by its name or its
    /// header) is refused and named, never copied: before, it landed in the list with the reader's English error.
    public void importFiles(List<Path> files) {
        Path dir = modelsDir.get();
        background.execute(() -> {
            List<String> refused = new ArrayList<>();
            try {
                Files.createDirectories(dir);
                for (Path f : files) {
                    if (!isGguf(f)) {
                        refused.add(f.getFileName().toString());
                        continue;
                    }
                    Path target = dir.resolve(f.getFileName());
                    if (!target.toAbsolutePath().equals(f.toAbsolutePath())) {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                String names = String.join(", ", refused);
                ui.execute(() -> setError(refused.isEmpty() ? "" : "models.import.notGguf", names));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "My Models: " + e.getMessage(), e);
                ui.execute(() -> setError("models.error.io", String.valueOf(e.getMessage())));
            }
            List<ModelEntry> found = all(dir);
            ui.execute(() -> models.setAll(found));
        });
    }

    /// Deletes the model file (after the view has asked for confirmation). Another app's model is refused: it
    /// belongs to that app.
    public void delete(ModelEntry entry) {
        if (entry.readOnly()) return;
        Path dir = modelsDir.get();
        background.execute(() -> {
            try {
                for (Path part : parts(entry.path())) Files.deleteIfExists(part);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "My Models: " + e.getMessage(), e);
                ui.execute(() -> setError("models.error.io", String.valueOf(e.getMessage())));
            }
            List<ModelEntry> found = all(dir);
            ui.execute(() -> models.setAll(found));
        });
    }

    private void setError(String key, String detail) {
        errorDetail.set(detail);
        error.set(key);
    }

    /// A `.gguf` name and a header that reads as GGUF.
    private static boolean isGguf(Path f) {
        if (!f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) return false;
        try {
            GgufReader.read(f);
            return true;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.INFO, "not importing " + f + ": " + e.getMessage());
            return false;
        }
    }

    /// Karuku's own models, then other apps' (each sorted by name); a file that is both — the models folder set to
    /// LM Studio's — is listed once, as Karuku's.
    private List<ModelEntry> all(Path dir) {
        List<ModelEntry> out = new ArrayList<>(scan(dir));
        java.util.Set<Path> own = new java.util.HashSet<>();
        for (ModelEntry e : out) own.add(e.path().toAbsolutePath().normalize());
        List<ModelEntry> others = new ArrayList<>();
        List<FoundModel> found;
        try {
            found = otherApps.get();
        } catch (RuntimeException e) { // an unreadable folder of another app must not hide Karuku's own models
            found = List.of();
        }
        for (FoundModel f : found) {
            if (f.files().isEmpty() || own.contains(f.files().getFirst().toAbsolutePath().normalize())) continue;
            ModelEntry e = entry(f.files().getFirst());
            others.add(new ModelEntry(e.path(), f.name(), f.sizeBytes(), e.arch(), e.quant(), e.context(), e.problem(), e.problemKey(), Optional.of(f.source())));
        }
        others.sort(Comparator.comparing(ModelEntry::name));
        out.addAll(others);
        return out;
    }

    /// Every model under `dir` at any depth (a split quant in its own subfolder too), a split model once.
    static List<ModelEntry> scan(Path dir) {
        List<ModelEntry> out = new ArrayList<>();
        for (Path f : ModelFiles.models(dir)) out.add(entry(f));
        out.sort(Comparator.comparing(ModelEntry::name));
        return out;
    }

    /// A model's files: every part of a split model (only the first when one is missing), else the file itself.
    private static List<Path> parts(Path first) {
        try {
            return ModelFiles.parts(first);
        } catch (LibraryException missing) {
            return List.of(first);
        }
    }

    private static ModelEntry entry(Path f) {
        long size = 0;
        String missing = "";
        List<Path> parts;
        try {
            parts = ModelFiles.parts(f);
        } catch (LibraryException e) {
            parts = List.of(f);
            missing = e.getMessage();
        }
        try {
            for (Path p : parts) size += Files.size(p);
        } catch (IOException e) {
            size = -1;
        }
        try {
            GgufFile g = GgufReader.read(f);
            if (!missing.isEmpty()) {
                return new ModelEntry(f, f.getFileName().toString(), size, "", "", 0, missing, "models.problem.missingPart", Optional.empty());
            }
            String arch = g.architecture().orElse("");
            long ctx = arch.isEmpty() ? 0 : g.metadata().integer(arch + ".context_length").orElse(0);
            return new ModelEntry(f, f.getFileName().toString(), size, arch, g.fileTypeLabel(), ctx, "", "", Optional.empty());
        } catch (Exception e) {
            return new ModelEntry(f, f.getFileName().toString(), size, "", "", 0, String.valueOf(e.getMessage()),
                    problemKey(e, size), Optional.empty());
        }
    }

    /// What a person is told about a file whose header could not be read, in their language (the reader's own
    /// technical words stay in the tooltip): an empty file, one cut short (a download or copy that did not finish),
    /// one that is not GGUF at all, one llama.cpp would refuse, or one damaged some other way.
    static String problemKey(Exception e, long size) {
        if (size == 0) return "models.problem.empty";
        if (!(e instanceof dev.karuku.engine.gguf.GgufException g)) return "models.problem.unreadable";
        return switch (g.kind()) {
            case BAD_MAGIC -> "models.problem.notGguf";
            case TRUNCATED, OFFSET_PAST_END -> "models.problem.cutShort";
            case UNSUPPORTED_VERSION -> "models.problem.version";
            case UNLOADABLE -> "models.problem.unloadable";
            case IO -> "models.problem.unreadable";
            default -> "models.problem.damaged";
        };
    }
}
