package dev.karuku.engine.library;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;

/// What the model list shows about a model, read from its GGUF header once when it is added.
///
/// @param parameters  total parameter count (elements of all tensors), 0 when unknown
/// @param contextLength trained context length, 0 when unknown
public record ModelFacts(String name, String architecture, String fileType, long parameters, long contextLength,
                         long blockCount) {

    /// Facts from shard 1's header plus the tensors of all shards.
    public static ModelFacts of(GgufFile primary, long parameters) {
        GgufMetadata m = primary.metadata();
        String arch = m.architecture().orElse("unknown");
        return new ModelFacts(m.string("general.name").orElse(""), arch, primary.fileTypeLabel(), parameters,
                m.integer(m.arch("context_length")).orElse(0), m.integer(m.arch("block_count")).orElse(0));
    }
}
