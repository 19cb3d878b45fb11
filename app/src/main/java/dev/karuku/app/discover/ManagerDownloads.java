package dev.karuku.app.discover;

import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.quality.QualityResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/// The model page's downloads backed by the app's [DownloadManager], its library for what is here already, and the
/// quality comparisons measured on this PC (null: none are looked up).
public record ManagerDownloads(DownloadManager manager, ModelLibrary library, QualityResults quality) implements ModelDownloads {
    private static final System.Logger LOG = System.getLogger(ManagerDownloads.class.getName());

    public ManagerDownloads(DownloadManager manager, ModelLibrary library) {
        this(manager, library, null);
    }

    @Override
    public void download(String repo, String commit, QuantChoice choice) throws IOException {
        manager.enqueue(repo, commit, choice);
    }

    @Override
    public Have have(String repo, String quant) {
        try {
            for (InstalledModel m : library.list()) {
                var source = m.source();
                if (source != null && source.repo().equals(repo) && source.quant().equalsIgnoreCase(quant)
                        && m.files().stream().allMatch(Files::isRegularFile)) return Have.DOWNLOADED;
            }
        } catch (IOException e) { // an unreadable index: the page offers the download, as without one
            LOG.log(System.Logger.Level.WARNING, "cannot read the library", e);
        }
        return manager.jobs().stream().anyMatch(j -> j.repo().equals(repo) && j.quant().equalsIgnoreCase(quant) && !j.state().finished())
                ? Have.DOWNLOADING : Have.NONE;
    }

    /// The newest measurement of a file of `repo` with type `quant`: one downloaded as that quant, or one whose
    /// reference is a file of the repo and whose own header says `quant` (a smaller version made on this PC).
    @Override
    public Optional<QualityResults.Entry> measured(String repo, String quant) {
        if (quality == null) return Optional.empty();
        try {
            Set<Path> exact = new HashSet<>();
            Set<Path> ofRepo = new HashSet<>();
            for (InstalledModel m : library.list()) {
                var source = m.source();
                if (source == null || !source.repo().equals(repo)) continue;
                Path f = normal(m.primaryFile());
                ofRepo.add(f);
                if (source.quant().equalsIgnoreCase(quant)) exact.add(f);
            }
            if (ofRepo.isEmpty()) return Optional.empty();
            List<QualityResults.Entry> newestFirst = quality.list().stream()
                    .sorted(Comparator.comparing(QualityResults.Entry::measuredAt).reversed()).toList();
            for (QualityResults.Entry e : newestFirst) {
                Path model = normal(e.model());
                if (!Files.isRegularFile(model)) continue;
                if (exact.contains(model) || ofRepo.contains(normal(e.reference())) && !ofRepo.contains(model) && quant.equalsIgnoreCase(typeOf(model)))
                    return Optional.of(e);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the library", e);
        }
        return Optional.empty();
    }

    private static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static String typeOf(Path file) {
        try {
            return GgufReader.read(file).fileTypeLabel();
        } catch (Exception e) { // unreadable: not this quant
            return "";
        }
    }
}
