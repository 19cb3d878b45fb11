package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;

/// Asks the loaded ggml backends which buffer types they have and what the CPU backend offers, the way llama.cpp's
/// `make_cpu_buft_list` does: each device's buffer type and host buffer type, the CPU backend's extra buffer types
/// through `ggml_backend_reg_get_proc_address(reg, "ggml_backend_dev_get_extra_bufts")`, its feature list through
/// `"ggml_backend_get_features"`, and the type of a buffer made from a host pointer (what llama.cpp maps the file
/// into: `CPU_Mapped`).
final class BackendBuffers {

    private BackendBuffers() {}

    static List<BufferType> bufferTypes() throws Throwable {
        List<BufferType> out = new ArrayList<>();
        long n = (long) Fn.ggml_backend_dev_count.invokeExact();
        for (long i = 0; i < n; i++) {
            MemorySegment dev = (MemorySegment) Fn.ggml_backend_dev_get.invokeExact(i);
            add(out, (MemorySegment) Fn.ggml_backend_dev_buffer_type.invokeExact(dev), false);
            add(out, (MemorySegment) Fn.ggml_backend_dev_host_buffer_type.invokeExact(dev), false);
            if (DeviceType.fromNative((int) Fn.ggml_backend_dev_type.invokeExact(dev)) != DeviceType.CPU) continue;
            MemorySegment extra = proc(dev, "ggml_backend_dev_get_extra_bufts");
            if (!extra.equals(MemorySegment.NULL)) {
                MemorySegment list = ((MemorySegment) Fn.POINTER_TO_POINTER.invokeExact(extra, dev)).reinterpret(Long.MAX_VALUE);
                for (long off = 0; !list.equals(MemorySegment.NULL); off += ADDRESS.byteSize()) {
                    MemorySegment buft = list.get(ADDRESS, off);
                    if (buft.equals(MemorySegment.NULL)) break;
                    add(out, buft, true);
                }
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment page = a.allocate(4096, 4096);
                MemorySegment buf = (MemorySegment) Fn.ggml_backend_dev_buffer_from_host_ptr.invokeExact(dev, page, 4096L, 4096L);
                if (!buf.equals(MemorySegment.NULL)) {
                    add(out, (MemorySegment) Fn.ggml_backend_buffer_get_type.invokeExact(buf), false);
                    Fn.ggml_backend_buffer_free.invokeExact(buf);
                }
            }
        }
        return out;
    }

    /// The CPU backend's features (`AVX2` → `1`, `SVE_CNT` → `32`, …) as the chosen `ggml-cpu-*` build reports them.
    static Map<String, String> cpuFeatures() throws Throwable {
        Map<String, String> out = new LinkedHashMap<>();
        long n = (long) Fn.ggml_backend_dev_count.invokeExact();
        for (long i = 0; i < n; i++) {
            MemorySegment dev = (MemorySegment) Fn.ggml_backend_dev_get.invokeExact(i);
            if (DeviceType.fromNative((int) Fn.ggml_backend_dev_type.invokeExact(dev)) != DeviceType.CPU) continue;
            MemorySegment fn = proc(dev, "ggml_backend_get_features");
            if (fn.equals(MemorySegment.NULL)) break;
            MemorySegment reg = (MemorySegment) Fn.ggml_backend_dev_backend_reg.invokeExact(dev);
            // struct ggml_backend_feature { const char * name; const char * value; }, ended by a NULL name
            MemorySegment list = ((MemorySegment) Fn.POINTER_TO_POINTER.invokeExact(fn, reg)).reinterpret(Long.MAX_VALUE);
            for (long off = 0; ; off += 2 * ADDRESS.byteSize()) {
                MemorySegment name = list.get(ADDRESS, off);
                if (name.equals(MemorySegment.NULL)) break;
                out.put(str(name), str(list.get(ADDRESS, off + ADDRESS.byteSize())));
            }
            break;
        }
        return out;
    }

    private static MemorySegment proc(MemorySegment dev, String name) throws Throwable {
        MemorySegment reg = (MemorySegment) Fn.ggml_backend_dev_backend_reg.invokeExact(dev);
        if (reg.equals(MemorySegment.NULL)) return MemorySegment.NULL;
        try (Arena a = Arena.ofConfined()) {
            return (MemorySegment) Fn.ggml_backend_reg_get_proc_address.invokeExact(reg, a.allocateFrom(name));
        }
    }

    private static void add(List<BufferType> out, MemorySegment buft, boolean extra) throws Throwable {
        if (buft.equals(MemorySegment.NULL)) return;
        String name = str((MemorySegment) Fn.ggml_backend_buft_name.invokeExact(buft));
        if (out.stream().anyMatch(b -> b.name().equals(name))) return;
        MemorySegment dev = (MemorySegment) Fn.ggml_backend_buft_get_device.invokeExact(buft);
        String device = dev.equals(MemorySegment.NULL) ? "" : str((MemorySegment) Fn.ggml_backend_dev_name.invokeExact(dev));
        DeviceType type = dev.equals(MemorySegment.NULL) ? DeviceType.CPU
                : DeviceType.fromNative((int) Fn.ggml_backend_dev_type.invokeExact(dev));
        out.add(new BufferType(name, device, type, (boolean) Fn.ggml_backend_buft_is_host.invokeExact(buft), extra));
    }

    private static String str(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }
}
