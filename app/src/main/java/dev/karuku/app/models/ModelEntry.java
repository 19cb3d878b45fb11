package dev.karuku.app.models;

import dev.karuku.engine.library.FoundModel;
import java.nio.file.Path;
import java.util.Optional;

/// One model as My Models lists it (from its GGUF header only): a file in Karuku's models folder, or one another
/// app downloaded, which Karuku loads where it is but never deletes.
///
/// @param path    the file (shard 1 of a split model)
/// @param name    what the list shows: the file name, or the other app's name for it (`llama3.2:1b` in Ollama)
/// @param size    bytes on disk (all shards)
/// @param arch    architecture ("llama", "gemma3", …), "" when unreadable
/// @param quant   quantization label ("Q4_K_M", …)
/// @param context training context length, 0 when unknown
/// @param problem why the header could not be read, "" when it could: the reader's own words (technical, English)
/// @param problemKey the message key that says the same to a person in the UI's language ("" when no problem)
/// @param foundIn the app whose folder holds it; empty for Karuku's own models
public record ModelEntry(Path path, String name, long size, String arch, String quant, long context, String problem,
                         String problemKey, Optional<FoundModel.Source> foundIn) {
    /// Another app's file: loadable, not deletable.
    public boolean readOnly() {
        return foundIn.isPresent();
    }
}
