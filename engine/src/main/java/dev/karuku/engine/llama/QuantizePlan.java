package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;

import java.util.Map;

/// What quantizing a file to `type` will write, from llama.cpp's own dry run: the type it gives each tensor, and
/// the output's size in bytes (the chosen types' exact tensor bytes, each padded to 32 bytes, plus the header).
///
/// @param predictedBytes the output file's size
/// @param tensorBytes    the tensor data alone, unpadded
/// @param tensorTypes    each tensor's type in the output, by name
/// @param needsImatrix   true when llama.cpp will refuse to quantize without an importance matrix (the smallest IQ
///                       types: IQ1_*, IQ2_*, IQ3_XXS, and Q2_K_S)
public record QuantizePlan(FileType type, long predictedBytes, long tensorBytes, Map<String, GgmlType> tensorTypes,
                           boolean needsImatrix) {
    public QuantizePlan {
        tensorTypes = Map.copyOf(tensorTypes);
    }
}
