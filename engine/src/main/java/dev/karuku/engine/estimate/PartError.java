package dev.karuku.engine.estimate;

import java.util.ArrayList;
import java.util.List;

/// Estimate vs llama.cpp's measurement, part by part, for `karuku estimate --verify` and the calibration tests.
///
/// @param part      e.g. `weights.cpu`, `kv.gpu`, `compute.cpu`
/// @param estimated bytes the estimator predicted (for `weights.cpu`: the mapped span plus the repack copy, which is
///                  what llama.cpp logs)
/// @param measured  bytes llama.cpp logged
public record PartError(String part, long estimated, long measured) {

    /// Signed error in percent of the measurement (positive = overestimate); 0 when both are 0.
    public double errorPct() {
        if (measured == 0) return estimated == 0 ? 0 : 100;
        return 100.0 * (estimated - measured) / measured;
    }

    /// Every part llama.cpp reports, plus the RAM and VRAM totals of llama.cpp's own buffers.
    public static List<PartError> compare(MemoryEstimate e, MeasuredBuffers m) {
        List<PartError> out = new ArrayList<>();
        out.add(new PartError("weights.cpu", e.mappedSpanBytes() + e.repackBytes(), m.modelCpu() + m.repack()));
        out.add(new PartError("weights.repack", e.repackBytes(), m.repack()));
        out.add(new PartError("weights.gpu", e.weights().gpu(), m.modelGpu()));
        out.add(new PartError("kv.cpu", e.kv().cpu(), m.kv().cpu()));
        out.add(new PartError("kv.gpu", e.kv().gpu(), m.kv().gpu()));
        out.add(new PartError("compute.cpu", e.compute().cpu(), m.compute().cpu()));
        out.add(new PartError("compute.gpu", e.compute().gpu(), m.compute().gpu()));
        out.add(new PartError("output", e.outputBytes(), m.output()));
        long ramLlama = e.mappedSpanBytes() + e.repackBytes() + e.kv().cpu() + e.compute().cpu() + e.outputBytes();
        long vramLlama = e.weights().gpu() + e.kv().gpu() + e.compute().gpu();
        out.add(new PartError("total.ram", ramLlama, m.ram()));
        out.add(new PartError("total.vram", vramLlama, m.vram()));
        return out;
    }
}
