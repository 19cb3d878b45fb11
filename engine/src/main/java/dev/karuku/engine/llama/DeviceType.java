package dev.karuku.engine.llama;

/// `enum ggml_backend_dev_type`: what kind of device ggml sees.
public enum DeviceType {
    /// The CPU (system memory).
    CPU,
    /// A discrete GPU with its own memory.
    GPU,
    /// An integrated GPU sharing system memory.
    IGPU,
    /// An accelerator used alongside the CPU (e.g. BLAS); holds no layers.
    ACCEL;

    public static DeviceType fromNative(int v) {
        return v >= 0 && v < values().length ? values()[v] : ACCEL;
    }
}
