package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;

import java.util.List;

/// llama.cpp refused to quantize to `type` without an importance matrix: its smallest types (IQ1_*, IQ2_*,
/// IQ3_XXS, Q2_K_S) round too coarsely to be usable without knowing which weights matter.
public final class ImportanceMatrixRequiredException extends LlamaException {

    private final FileType type;

    public ImportanceMatrixRequiredException(FileType type, List<LogLine> log) {
        super(type.label() + " needs an importance matrix: compute one from a text (karuku quantize --imatrix-text FILE)", log);
        this.type = type;
    }

    public FileType type() {
        return type;
    }
}
