package dev.karuku.engine.gguf;

import java.util.List;
import java.util.Optional;

/// The parsed header of a GGUF file: metadata and tensor infos, never tensor data.
///
/// @param version      GGUF version (2 or 3)
/// @param metadata     key/value metadata
/// @param tensors      tensor infos in file order
/// @param alignment    `general.alignment` or the default 32
/// @param dataOffset   absolute file offset where tensor data starts (aligned)
/// @param headerBytes  bytes of the header before padding (what a remote reader must fetch)
/// @param fileSize     total size of the file, or -1 when unknown (a byte source of unknown length)
public record GgufFile(int version, GgufMetadata metadata, List<TensorInfo> tensors, long alignment, long dataOffset,
                       long headerBytes, long fileSize) {

    public GgufFile {
        tensors = List.copyOf(tensors);
    }

    /// Sum of all tensors' bytes: exactly the weights llama.cpp allocates for this file.
    public long tensorBytes() {
        long sum = 0;
        for (TensorInfo t : tensors) sum = Math.addExact(sum, t.bytes());
        return sum;
    }

    /// Weights in all tensors (their element counts).
    public long parameters() {
        long sum = 0;
        for (TensorInfo t : tensors) sum = Math.addExact(sum, t.elements());
        return sum;
    }

    /// Bits per weight: tensor bytes × 8 ÷ parameters, exact for the file (0 when it holds no tensors).
    public double bitsPerWeight() {
        long p = parameters();
        return p == 0 ? 0 : tensorBytes() * 8.0 / p;
    }

    public Optional<TensorInfo> tensor(String name) {
        for (TensorInfo t : tensors) if (t.name().equals(name)) return Optional.of(t);
        return Optional.empty();
    }

    public Optional<String> architecture() {
        return metadata.architecture();
    }

    /// The file type label (`Q4_K_M`, `IQ3_S`, …) from `general.file_type`, else guessed from the dominant
    /// tensor type, else `unknown`.
    public String fileTypeLabel() {
        return metadata.fileType().map(FileType::label).orElseGet(() -> FileType.guess(tensors).map(FileType::label).orElse("unknown"));
    }
}
