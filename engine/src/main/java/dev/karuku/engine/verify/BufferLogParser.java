package dev.karuku.engine.verify;

import dev.karuku.engine.estimate.DeviceBytes;
import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.llama.BufferType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Reads llama.cpp's buffer-size log lines (as captured through `llama_log_set`) into [MeasuredBuffers]:
/// ```
/// load_tensors:   CPU_Mapped model buffer size =   634.75 MiB
/// load_tensors:          AMX model buffer size =    90.88 MiB
/// load_tensors:      Vulkan0 model buffer size =   297.29 MiB
/// llama_kv_cache:        CPU KV buffer size =    36.00 MiB
/// sched_reserve: Vulkan_Host compute buffer size =    10.01 MiB
/// llama_context: Vulkan_Host  output buffer size =     0.12 MiB
/// load_tensors: offloaded 8/17 layers to GPU
/// ```
/// Each buffer is put in RAM or VRAM by what ggml says of its buffer type ([BufferType], from
/// `LlamaRuntime.bufferTypes()`): the CPU backend's extra types (`CPU_REPACK`, `AMX`) are the repacked copy, other
/// CPU-device and host types are RAM, the rest GPU memory. A name the given types lack (a log from another machine)
/// falls back to ggml's naming: `CPU…` and `…_Host` are RAM. Lines for the same buffer kind add up (sliding-window
/// models log two KV caches). Pure: no native calls.
public final class BufferLogParser {

    private static final Pattern BUFFER = Pattern.compile("(\\S+)\\s+(model|KV|compute|output) buffer size\\s*=\\s*([0-9.]+) MiB");
    private static final Pattern OFFLOADED = Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU");

    private enum Memory { RAM, REPACK, GPU }

    private BufferLogParser() {}

    /// @param types the buffer types of the backends that wrote the log
    public static MeasuredBuffers parse(String log, List<BufferType> types) {
        Map<String, BufferType> byName = new HashMap<>();
        for (BufferType t : types) byName.putIfAbsent(t.name(), t);
        long modelCpu = 0, repack = 0, modelGpu = 0, kvCpu = 0, kvGpu = 0, cCpu = 0, cGpu = 0, out = 0;
        int offloaded = -1, units = -1;
        for (String line : log.split("\\R")) {
            Matcher o = OFFLOADED.matcher(line);
            if (o.find()) {
                offloaded = Integer.parseInt(o.group(1));
                units = Integer.parseInt(o.group(2));
                continue;
            }
            Matcher m = BUFFER.matcher(line);
            if (!m.find()) continue;
            long bytes = Math.round(Double.parseDouble(m.group(3)) * (1 << 20));
            Memory memory = memory(m.group(1), byName);
            boolean host = memory != Memory.GPU;
            switch (m.group(2)) {
                case "model" -> {
                    if (memory == Memory.REPACK) repack += bytes;
                    else if (host) modelCpu += bytes;
                    else modelGpu += bytes;
                }
                case "KV" -> {
                    if (host) kvCpu += bytes;
                    else kvGpu += bytes;
                }
                case "compute" -> {
                    if (host) cCpu += bytes;
                    else cGpu += bytes;
                }
                default -> out += bytes;
            }
        }
        return new MeasuredBuffers(modelCpu, repack, modelGpu, new DeviceBytes(kvCpu, kvGpu), new DeviceBytes(cCpu, cGpu),
                out, offloaded, units);
    }

    private static Memory memory(String buffer, Map<String, BufferType> types) {
        BufferType t = types.get(buffer);
        if (t != null) return t.cpuExtra() ? Memory.REPACK : t.inRam() ? Memory.RAM : Memory.GPU;
        String b = buffer.toUpperCase(Locale.ROOT);
        if (b.equals("CPU_REPACK")) return Memory.REPACK;
        return b.startsWith("CPU") || b.endsWith("_HOST") ? Memory.RAM : Memory.GPU;
    }
}
