package dev.karuku.engine.estimate;

import dev.karuku.engine.estimate.replay.GpuComputeReplay;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.GpuBackend;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Estimates RAM and VRAM for a GGUF file before a byte of weights is downloaded: a pure function of the header
/// (tensor infos + metadata), the load options and a [Hardware] snapshot. Weights and KV are exact; the GPU compute
/// buffer of the replayable architectures comes from [GpuComputeReplay] (llama.cpp's own scheduling and allocation,
/// replayed), the other compute buffers from [ComputeBuffers]' calibrated closed form; runtime overhead is a
/// documented constant.
public final class MemoryEstimator {

    /// Host-side overhead of the runtime (ggml threadpool, scheduler, libraries) beyond llama.cpp's buffers.
    public static final long HOST_OVERHEAD = 128L << 20;
    /// Device-side overhead of a GPU context (driver context, runtime pools), charged once any unit is offloaded.
    public static final long GPU_OVERHEAD = 256L << 20;

    /// The smallest per-buffer limit (`maxStorageBufferRange`) seen on a Vulkan device: lavapipe's 128 MiB. Above it,
    /// without flash attention, the f32 KQ matrix `[n_kv, ub, n_head]` may not fit one GPU buffer, and llama.cpp then
    /// runs KQ, soft_max and KQV on the host (measured on lavapipe: 128 MiB stayed on the GPU, 256 MiB moved). The limit
    /// is per device (2–4 GiB on desktop GPUs) and not probed, so the estimate is only flagged approximate there.
    static final long VULKAN_SMALLEST_BUFFER = 128L << 20;

    private MemoryEstimator() {}

    public static MemoryEstimate estimate(GgufFile file, EstimateOptions o, Hardware hw) {
        return estimate(file, ModelGeometry.of(file), o, hw);
    }

    static MemoryEstimate estimate(GgufFile file, ModelGeometry g, EstimateOptions o, Hardware hw) {
        int units = g.layers() + 1;
        boolean hasGpu = hw.hasGpu();
        int ngl = !hasGpu ? 0 : (o.load().gpuLayers() < 0 || o.load().gpuLayers() > units ? units : o.load().gpuLayers());
        int gpuStart = Math.max(units - ngl, 0);
        long nCtx = KvCache.pad(o.load().contextLength() == 0 ? g.contextTrain() : o.load().contextLength());
        long ub = Math.min(o.load().ubatch(), Math.min(o.load().batch(), nCtx));
        boolean fa = o.load().flashAttention() != FlashAttention.OFF;
        // CPU weights go to the first GPU's host buffer type when it has one (Vulkan_Host, CUDA_Host; the plain CPU buffer
        // with mmap) before the CPU's extra types are tried; Metal has none (make_cpu_buft_list, select_weight_buft).
        boolean gpuHostBuffer = hw.primaryGpu().map(d -> d.backend() != GpuBackend.METAL).orElse(false);
        CpuExtraBuffers extra = o.cpuRepack() && !gpuHostBuffer ? CpuExtraBuffers.of(hw.cpu()) : CpuExtraBuffers.NONE;

        WeightPlacement w = WeightPlacement.of(file, g, ngl, hasGpu, extra);
        DeviceBytes kv = KvCache.bytes(g, nCtx, ub, o.load().kvType(), o.swaFull(), gpuStart, hasGpu);
        int cpuBlocks = Math.min(g.layers(), gpuStart);
        long swaMaskCells = g.swaLayerCount() == 0 ? 0 : o.swaFull() ? nCtx : KvCache.swaCells(g, nCtx, ub);
        ComputeBuffers.Sizes c = ComputeBuffers.of(g, nCtx, swaMaskCells, ub, fa, hasGpu, cpuBlocks, w.largestCpuBlockWeight(),
                hasGpu && ngl == 0 ? w.cpuOutputWeight() : 0);
        var layout = g.replayLayout();
        boolean replayed = hasGpu && layout.isPresent() && ub >= GpuComputeReplay.OP_OFFLOAD_MIN_BATCH;
        // An MoE graph on the CPU alone is replayed too: its feed-forward tensors leave holes no closed form tracks.
        boolean cpuReplayed = !hasGpu && layout.isPresent() && g.isMoe();
        if (replayed || cpuReplayed) {
            Map<String, Long> bytes = new HashMap<>();
            for (TensorInfo t : file.tensors()) bytes.put(t.name(), t.bytes());
            var replay = new GpuComputeReplay(layout.get(), g.swaLayers(), swaMaskCells, g.layers(), gpuStart, g.embd(),
                    g.qWidth(), (long) g.maxHeadsKv() * g.headK(), (long) g.maxHeadsKv() * g.headV(), g.heads(), g.maxFf(),
                    g.vocab(), nCtx, ub, fa, name -> bytes.getOrDefault(name, 0L), g.experts(), g.expertsUsed());
            c = replayed ? new ComputeBuffers.Sizes(c.cpu(), replay.gpuBytes()) : new ComputeBuffers.Sizes(replay.cpuBytes(), 0);
        }
        long output = 4 * g.vocab();
        DeviceBytes overhead = new DeviceBytes(HOST_OVERHEAD, ngl > 0 ? GPU_OVERHEAD : 0);
        DeviceBytes weights = new DeviceBytes(w.cpu(), w.gpu());
        DeviceBytes compute = new DeviceBytes(c.cpu(), c.gpu());
        long ram = w.cpu() + w.repack() + kv.cpu() + compute.cpu() + output + overhead.cpu();
        long vram = w.gpu() + kv.gpu() + compute.gpu() + overhead.gpu();
        if (hw.unifiedMemory()) ram += vram;
        List<String> reasons = new ArrayList<>(g.unmodelled());
        if (!extra.unmodelled().isEmpty()) {
            reasons.add("the CPU backend copies weights into " + String.join(", ", extra.unmodelled()) + " buffers, which "
                    + "the estimate does not model; weights they take are counted in the mapped file only");
        }
        if (g.isMoe() && !(replayed || cpuReplayed)) {
            reasons.add("MoE compute buffers are a closed form here, not a replay of llama.cpp's graph (replayed: "
                    + "qwen3moe, on a GPU with a micro-batch of at least " + GpuComputeReplay.OP_OFFLOAD_MIN_BATCH + " tokens)");
        }
        // An architecture outside the modelled set or an MoE one already says its compute buffers are approximate.
        if (hasGpu && !replayed && ModelGeometry.MODELLED.contains(g.architecture()) && !g.isMoe()) {
            reasons.add(layout.isEmpty()
                    ? "the GPU compute buffer of '" + g.architecture() + "' is a closed form, not a replay of llama.cpp's "
                    + "graph (replayed: llama, qwen2, qwen3, gemma3); it may be about 6% off with layers on the CPU"
                    : "with a micro-batch under " + GpuComputeReplay.OP_OFFLOAD_MIN_BATCH + " tokens the GPU compute "
                    + "buffer is a closed form, not a replay of llama.cpp's graph");
        }
        long kq = 4 * nCtx * ub * g.heads();
        boolean vulkan = hw.primaryGpu().map(d -> d.backend() == GpuBackend.VULKAN).orElse(false);
        if (vulkan && !fa && kq > VULKAN_SMALLEST_BUFFER) {
            reasons.add(String.format(Locale.ROOT, "without flash attention the KQ matrix is %d MiB; a Vulkan GPU that cannot "
                    + "bind that much in one buffer runs attention on the CPU, leaving about that much less in VRAM and "
                    + "more in RAM than estimated (turn flash attention on to avoid it)", kq >> 20));
        }
        return new MemoryEstimate(g.layers(), ngl, nCtx, fa, weights, kv, compute, output, overhead, w.repack(),
                o.load().mmap() ? w.cpu() : 0, o.load().mmap() ? w.mappedSpan() : w.kept(), ram, vram,
                !reasons.isEmpty(), reasons);
    }
}
