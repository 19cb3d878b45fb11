package dev.karuku.engine.llama;

/// One of ggml's buffer types as the loaded backends report it: the name llama.cpp prints in its
/// `… model buffer size = …` lines, the device it belongs to and whether its memory is host RAM.
///
/// @param name      `ggml_backend_buft_name`: `CPU`, `CPU_Mapped`, `CPU_REPACK`, `AMX`, `Vulkan0`, `Vulkan_Host`, …
/// @param device    the name of the device it belongs to (`ggml_backend_buft_get_device`), `CPU`, `Vulkan0`, …;
///                  empty for `CPU_Mapped`, which ggml gives no device (a host type)
/// @param deviceType that device's type (CPU when it has none)
/// @param host      `ggml_backend_buft_is_host`: its memory is ordinary host memory the CPU can address (true for
///                  `CPU` and pinned `*_Host` buffers; false for `AMX`, whose buffers are host memory all the same)
/// @param cpuExtra  one of the CPU backend's extra buffer types (`ggml_backend_dev_get_extra_bufts`): weights put
///                  there are copied into a layout of its own (repacked), in anonymous host memory
public record BufferType(String name, String device, DeviceType deviceType, boolean host, boolean cpuExtra) {

    /// True when buffers of this type take host RAM: host buffers, and every buffer of the CPU device (its extra
    /// types included) or of an accelerator that works in host memory.
    public boolean inRam() {
        return host || deviceType == DeviceType.CPU || deviceType == DeviceType.ACCEL;
    }
}
