package dev.karuku.engine.estimate;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Reads llama.cpp's buffer-size log lines (as captured through `llama_log_set`) into [MeasuredBuffers]:
/// ```
/// load_tensors:   CPU_Mapped model buffer size =   634.75 MiB
/// load_tensors:      Vulkan0 model buffer size =   297.29 MiB
/// llama_kv_cache:        CPU KV buffer size =    36.00 MiB
/// sched_reserve: Vulkan_Host compute buffer size =    10.01 MiB
/// llama_context: Vulkan_Host  output buffer size =     0.12 MiB
/// load_tensors: offloaded 8/17 layers to GPU
/// ```
/// Lines for the same buffer kind add up (sliding-window models log two KV caches). Pure: no native calls.
public final class BufferLogParser {

    private static final Pattern BUFFER = Pattern.compile("(\\S+)\\s+(model|KV|compute|output) buffer size\\s*=\\s*([0-9.]+) MiB");
    private static final Pattern OFFLOADED = Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU");

    private BufferLogParser() {}

    public static MeasuredBuffers parse(String log) {
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
            String buf = m.group(1);
            long bytes = Math.round(Double.parseDouble(m.group(3)) * (1 << 20));
            boolean host = isHost(buf);
            switch (m.group(2)) {
                case "model" -> {
                    if (buf.equals("CPU_REPACK")) repack += bytes;
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

    /// `CPU`, `CPU_Mapped`, `CPU_REPACK` and any `*_Host` buffer live in host RAM.
    static boolean isHost(String buffer) {
        String b = buffer.toUpperCase(Locale.ROOT);
        return b.startsWith("CPU") || b.endsWith("_HOST");
    }
}
