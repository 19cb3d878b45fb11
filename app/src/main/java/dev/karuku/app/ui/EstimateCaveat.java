package dev.karuku.app.ui;

import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import java.util.List;

/// Why a memory estimate is less sure than usual, in the words the Load screen and the model page show under
/// it: parts the estimator computes in closed form rather than calibrated against llama.cpp (its reasons), and a
/// GPU of a kind it was never measured on — it is calibrated on the CPU and on Vulkan, not on CUDA or Metal.
public final class EstimateCaveat {
    private EstimateCaveat() {}

    /// "CUDA" or "Metal" when this PC's GPU is a kind the estimator was never measured on, else "".
    public static String unmeasuredGpu(Hardware hw) {
        if (hw == null) return "";
        return hw.primaryGpu().map(GpuDevice::backend).map(b -> switch (b) {
            case CUDA -> "CUDA";
            case METAL -> "Metal";
            default -> "";
        }).orElse("");
    }

    /// The text to show ("" when the estimate is as sure as it gets).
    public static String text(Messages messages, List<String> approximateReasons, String unmeasuredGpu) {
        StringBuilder b = new StringBuilder();
        if (!approximateReasons.isEmpty()) b.append(messages.get("load.approximate", String.join("; ", approximateReasons)));
        if (!unmeasuredGpu.isEmpty()) {
            if (!b.isEmpty()) b.append('\n');
            b.append(messages.get("load.gpuNotMeasured", unmeasuredGpu));
        }
        return b.toString();
    }
}
