package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;

/// The best setup for this machine: how many units fit on the GPU at the requested context, how long a context
/// fits at that offload, and the verdict.
///
/// @param maxGpuLayers largest GPU-layer count whose VRAM fits the GPU's free memory minus [#safetyMargin]
/// @param maxContext   largest context (multiple of 256, at most the training context) that fits RAM and VRAM at
///                     `maxGpuLayers`; 0 when not even 256 tokens fit
/// @param verdict      FITS_ON_GPU, PARTLY_ON_GPU, CPU_ONLY or DOES_NOT_FIT at the requested context
/// @param best         the estimate at `maxGpuLayers` and the requested context
public record Fit(int maxGpuLayers, long maxContext, Verdict verdict, MemoryEstimate best) {

    /// VRAM kept free: drivers, the desktop and other programs need some. 5% of the device, at least 256 MiB.
    public static long safetyMargin(GpuDevice d) {
        return Math.max(256L << 20, d.totalBytes() / 20);
    }

    public static Fit of(GgufFile file, EstimateOptions o, Hardware hw) {
        ModelGeometry g = ModelGeometry.of(file);
        int units = g.layers() + 1;
        int maxLayers = 0;
        if (hw.primaryGpu().isPresent()) {
            long budget = hw.primaryGpu().get().freeBytes() - safetyMargin(hw.primaryGpu().get());
            for (int n = units; n >= 1; n--) {
                if (MemoryEstimator.estimate(file, g, o.withGpuLayers(n), hw).vramBytes() <= budget) {
                    maxLayers = n;
                    break;
                }
            }
        }
        EstimateOptions at = o.withGpuLayers(maxLayers);
        MemoryEstimate best = MemoryEstimator.estimate(file, g, at, hw);
        long maxCtx = maxContext(file, g, at, hw);
        boolean ramFits = fitsRam(best, hw);
        Verdict v;
        if (!ramFits) v = Verdict.DOES_NOT_FIT;
        else if (maxLayers == units) v = Verdict.FITS_ON_GPU;
        else if (maxLayers > 0) v = Verdict.PARTLY_ON_GPU;
        else v = Verdict.CPU_ONLY;
        return new Fit(maxLayers, maxCtx, v, best);
    }

    static boolean fitsRam(MemoryEstimate e, Hardware hw) {
        return e.ramBytes() <= hw.availableRamBytes();
    }

    static boolean fitsVram(MemoryEstimate e, Hardware hw) {
        return hw.primaryGpu().map(d -> e.vramBytes() <= d.freeBytes() - safetyMargin(d)).orElse(e.vramBytes() == 0);
    }

    /// Binary search over multiples of 256 up to the training context.
    private static long maxContext(GgufFile file, ModelGeometry g, EstimateOptions o, Hardware hw) {
        long lo = 0, hi = Math.max(1, KvCache.pad(g.contextTrain()) / KvCache.PAD);
        while (lo < hi) {
            long mid = (lo + hi + 1) / 2;
            MemoryEstimate e = MemoryEstimator.estimate(file, g, o.withContextLength(mid * KvCache.PAD), hw);
            if (fitsRam(e, hw) && fitsVram(e, hw)) lo = mid;
            else hi = mid - 1;
        }
        return lo * KvCache.PAD;
    }
}
