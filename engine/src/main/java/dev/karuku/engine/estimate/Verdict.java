package dev.karuku.engine.estimate;

/// Will it run here? The answer a person reads first.
public enum Verdict {
    /// Every layer, the KV cache and the compute buffer fit in free VRAM: the fastest setup.
    FITS_ON_GPU,
    /// Some layers fit on the GPU, the rest runs from RAM.
    PARTLY_ON_GPU,
    /// No usable GPU (or none of it fits), but RAM holds the model.
    CPU_ONLY,
    /// Not even RAM holds it at the smallest useful setting.
    DOES_NOT_FIT
}
