package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;

/// Where each tensor lives at a GPU-layer count, following llama.cpp v0.4.0's `load_tensors`:
/// `i_gpu_start = max(L + 1 - ngl, 0)`; block `i` is on the GPU iff `i >= i_gpu_start`; the output layer is unit L,
/// so it is the first to be offloaded; the token embedding (input) always stays on the CPU. A model without
/// `output.weight` gets a second copy of `token_embd.weight` in the output layer's buffer, used as a matrix.
///
/// On the CPU, the weights one of the CPU backend's extra buffer types takes ([CpuExtraBuffers]: `AMX`, `CPU_REPACK`)
/// are copied into it (anonymous RAM, [#repack]); the mapped file span then shrinks to the tensors left.
///
/// @param cpu                   file bytes of the tensors on the CPU
/// @param gpu                   bytes on the GPU (with the tied output's copy)
/// @param repack                bytes the extra buffer types allocate for the CPU weights they take
/// @param kept                  file bytes of the CPU tensors no extra buffer type takes (the `CPU` buffer without mmap)
/// @param mappedSpan            the file range spanning the tensors kept (the `CPU_Mapped` buffer with mmap)
record WeightPlacement(long cpu, long gpu, long repack, long kept, long mappedSpan, long largestCpuBlockWeight,
                       long cpuOutputWeight) {

    static WeightPlacement of(GgufFile file, ModelGeometry g, int ngl, boolean hasGpu, CpuExtraBuffers extra) {
        int start = Math.max(g.layers() + 1 - ngl, 0);
        long cpu = 0, gpu = 0, repack = 0, kept = 0, largest = 0, outCpu = 0;
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
            var placed = extra.place(t, CpuExtraBuffers.useOf(t));
            if (placed.isPresent()) {
                repack += placed.get().bytes();
            } else {
                kept += t.bytes();
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
                    // the copy is the output matrix (llama.cpp loads it as LLM_TENSOR_OUTPUT); unless an extra type takes
                    // it, it shares the embedding's mapped pages
                    repack += extra.place(embd, CpuExtraBuffers.Use.MUL_MAT).map(CpuExtraBuffers.Placed::bytes).orElse(0L);
                }
            }
        }
        long span = spanHi > spanLo ? spanHi - spanLo : 0;
        return new WeightPlacement(cpu, gpu, repack, kept, span, largest, outCpu);
    }

    private static boolean isMatrix(TensorInfo t) {
        return t.dimensions() >= 2 && t.name().endsWith(".weight");
    }
}
