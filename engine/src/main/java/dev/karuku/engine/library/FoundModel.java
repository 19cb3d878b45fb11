package dev.karuku.engine.library;

import java.nio.file.Path;
import java.util.List;

/// A GGUF model another app already downloaded, which Karuku can use where it is.
///
/// @param name  a readable name (`org/repo/file.gguf`, `llama3.2:1b`)
/// @param files shard 1 first
public record FoundModel(Source source, String name, List<Path> files, long sizeBytes) {

    /// Which app's folder it was found in.
    public enum Source {
        HUGGING_FACE_CACHE("hf:"), LM_STUDIO("lmstudio:"), OLLAMA("ollama:");

        private final String idPrefix;

        Source(String idPrefix) {
            this.idPrefix = idPrefix;
        }

        public String idPrefix() {
            return idPrefix;
        }
    }

    public FoundModel {
        files = List.copyOf(files);
    }
}
