package dev.karuku.engine.library;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/// A model in the library.
///
/// @param id      stable id, e.g. `karuku-test/Tiny-Chat-GGUF:Q4_K_M` for downloads or `local:<name>` for imports
/// @param files   absolute paths, shard 1 first
/// @param origin  how it got here, which decides whether deleting it removes files
/// @param sha256s each file's SHA-256 where known (downloads), in file order
/// @param source  where it came from on the Hub, or null
public record InstalledModel(String id, String displayName, List<Path> files, Origin origin, long sizeBytes,
                             List<String> sha256s, ModelFacts facts, HubSource source, Instant added) {

    /// How a model came into the library.
    public enum Origin {
        /// Downloaded from the Hub into the models folder: Karuku owns the files.
        DOWNLOADED,
        /// A local file copied or moved into the models folder: Karuku owns the copy.
        IMPORTED,
        /// A local file used where it is: only the index entry is Karuku's.
        IN_PLACE,
        /// Found in another app's folder (Hugging Face cache, LM Studio, Ollama): read-only, never deleted.
        FOUND;

        public boolean owned() {
            return this == DOWNLOADED || this == IMPORTED;
        }
    }

    /// A Hub repo file set pinned to a commit.
    public record HubSource(String repo, String commit, String quant, List<String> paths) {
        public HubSource {
            paths = List.copyOf(paths);
        }
    }

    public InstalledModel {
        files = List.copyOf(files);
        sha256s = List.copyOf(sha256s);
    }

    /// The file llama.cpp loads (shard 1 of a split model).
    public Path primaryFile() {
        return files.getFirst();
    }
}
