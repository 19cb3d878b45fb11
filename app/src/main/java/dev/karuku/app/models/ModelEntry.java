package dev.karuku.app.models;

import java.nio.file.Path;

/// One model file in the models folder, as My Models lists it (from its GGUF header only).
///
/// @param path    the file
/// @param size    bytes on disk
/// @param arch    architecture ("llama", "gemma3", …), "" when unreadable
/// @param quant   quantization label ("Q4_K_M", …)
/// @param context training context length, 0 when unknown
/// @param problem why the header could not be read, "" when it could
public record ModelEntry(Path path, long size, String arch, String quant, long context, String problem) {
    public String name() {
        return path.getFileName().toString();
    }
}
