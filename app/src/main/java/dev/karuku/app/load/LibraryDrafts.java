package dev.karuku.app.load;

import dev.karuku.engine.gguf.DraftCompatibility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/// [DraftFinder] over the models My Models lists: each file's vocabulary is read from its header once (again when
/// the file changes), so opening the Load screen does not read every header of the library every time.
public final class LibraryDrafts implements DraftFinder {
    private final Supplier<? extends Collection<Path>> models;
    private final Map<String, Optional<DraftCompatibility.Vocabulary>> vocabularies = new ConcurrentHashMap<>();

    /// @param models the library's model files, as they are now
    public LibraryDrafts(Supplier<? extends Collection<Path>> models) {
        this.models = models;
    }

    @Override
    public List<Path> drafts(Path model) {
        return DraftCompatibility.drafts(model, models.get(), this::vocabulary);
    }

    private Optional<DraftCompatibility.Vocabulary> vocabulary(Path file) {
        String key;
        try {
            key = file.toAbsolutePath().normalize() + "#" + Files.size(file) + "#" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Optional.empty();
        }
        return vocabularies.computeIfAbsent(key, k -> DraftCompatibility.vocabulary(file));
    }
}
