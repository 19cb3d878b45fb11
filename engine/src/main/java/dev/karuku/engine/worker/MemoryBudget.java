package dev.karuku.engine.worker;

import dev.karuku.engine.estimate.Fit;
import dev.karuku.engine.hardware.Hardware;

/// The memory the supervisor may fill with loaded models: models are loaded side by side only while the sum of
/// their estimates stays within both numbers.
///
/// @param ramBytes  host memory
/// @param vramBytes memory of the GPU the estimates offload to (0 without one)
public record MemoryBudget(long ramBytes, long vramBytes) {

    public MemoryBudget {
        if (ramBytes < 0 || vramBytes < 0) throw new IllegalArgumentException("a memory budget must not be negative");
    }

    /// What is free on `hw` before any model is loaded: the RAM the OS says is available, and the primary GPU's free
    /// memory less the safety margin the best-fit plan keeps.
    public static MemoryBudget of(Hardware hw) {
        long vram = hw.primaryGpu().map(d -> Math.max(0, d.freeBytes() - Fit.safetyMargin(d))).orElse(0L);
        return new MemoryBudget(hw.availableRamBytes(), vram);
    }

    public boolean holds(long ram, long vram) {
        return ram <= ramBytes && vram <= vramBytes;
    }
}
