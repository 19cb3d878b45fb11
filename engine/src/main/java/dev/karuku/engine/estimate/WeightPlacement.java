package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;
import java.util.EnumSet;
import java.util.Set;

/// Where each tensor lives at a GPU-layer count, following llama.cpp v0.4.0's `load_tensors`:
/// `i_gpu_start = max(L + 1 - ngl, 0)`; block `i` is on the GPU iff `i >= i_gpu_start`; the output layer is unit L,
/// so it is the first to be offloaded; the token embedding (input) always stays on the CPU. A model without
/// `output.weight` gets a second copy of `token_embd.weight` in the output layer's buffer.
///
/// On the CPU, tensors of the types in [#REPACKED] that are used as matrix weights are copied into llama.cpp's
/// CPU_REPACK buffer (interleaved rows for SIMD) when the CPU supports it and no GPU backend is in use (measured:
/// with a Vulkan device present v0.4.0 does not repack). The mapped file span then shrinks to the tensors left.
record WeightPlacement(long cpu, long gpu, long repack, long mappedSpan, long largestCpuBlockWeight, long cpuOutputWeight) {

    /// Types llama.cpp v0.4.0 repacked on an AVX-512 x86-64 CPU (measured, one type at a time).
    static final Set<GgmlType> REPACKED = EnumSet.of(GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q2_K, GgmlType.IQ4_NL);

    static WeightPlacement of(GgufFile file, ModelGeometry g, int ngl, boolean hasGpu, boolean repackAllowed) {
        int start = Math.max(g.layers() + 1 - ngl, 0);
        long cpu = 0, gpu = 0, repack = 0, largest = 0, outCpu = 0;
        long spanLo = Long.MAX_VALUE, spanHi = Long.MIN_VALUE;
        boolean outputOnGpu = hasGpu && g.layers() >= start;
        for (TensorInfo t : file.tensors()) {
            int unit = g.unitOf(t);
            int index = unit == ModelGeometry.OUTPUT ? g.layers() : unit;
            boolean onGpu = hasGpu && unit != ModelGeometry.INPUT && index >= start;
            if (onGpu) {
                gpu += t.bytes();
                continue;
            }
            cpu += t.bytes();
            if (unit == ModelGeometry.OUTPUT && isMatrix(t)) outCpu += t.bytes();
            if (unit >= 0 && unit != ModelGeometry.OUTPUT && isMatrix(t)) largest = Math.max(largest, t.bytes());
            boolean repacked = repackAllowed && unit != ModelGeometry.INPUT && repackable(t);
            if (repacked) {
                repack += t.bytes();
            } else {
                spanLo = Math.min(spanLo, t.offset());
                spanHi = Math.max(spanHi, t.offset() + t.bytes());
            }
        }
        if (g.tied()) {
            TensorInfo embd = file.tensor("token_embd.weight").orElse(null);
            if (embd != null) {
                if (outputOnGpu) gpu += embd.bytes();
                else {
                    outCpu += embd.bytes();
                    if (repackAllowed && repackable(embd)) repack += embd.bytes();
                }
            }
        }
        long span = spanHi > spanLo ? spanHi - spanLo : 0;
        return new WeightPlacement(cpu, gpu, repack, span, largest, outCpu);
    }

    private static boolean isMatrix(TensorInfo t) {
        return t.dimensions() >= 2 && t.name().endsWith(".weight");
    }

    private static boolean repackable(TensorInfo t) {
        return REPACKED.contains(t.type()) && isMatrix(t) && t.ne(1) % 8 == 0 && !t.name().contains("token_embd");
    }
}
