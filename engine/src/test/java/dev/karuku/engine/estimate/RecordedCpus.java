package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.llama.BufferType;
import dev.karuku.engine.llama.DeviceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// CPU backends and buffer types as ggml reports them on the kinds of machine Karuku runs on, and the recordings made on
/// an Intel Xeon with AMX (test resources `estimate/cpu-amx/`: every tensor of a synthetic 8-block model at six types,
/// and llama.cpp's whole log of loading each on the CPU).
public final class RecordedCpus {

    /// Intel Xeon with AMX (Sapphire Rapids): ggml loads `libggml-cpu-sapphirerapids.so`, which offers AMX first.
    public static final CpuBackend XEON_AMX = new CpuBackend(List.of("AMX", "CPU_REPACK"), CpuBackend.features("SSE3", "SSSE3",
            "AVX", "AVX_VNNI", "AVX2", "F16C", "FMA", "BMI2", "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16",
            "AMX_INT8", "LLAMAFILE", "REPACK"), "recorded: sapphirerapids");
    /// AMD EPYC Zen 4 (`libggml-cpu-zen4.so`), as this project's build machine reports it.
    public static final CpuBackend ZEN4 = new CpuBackend(List.of("CPU_REPACK"), CpuBackend.features("SSE3", "SSSE3", "AVX",
            "AVX2", "F16C", "FMA", "BMI2", "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "LLAMAFILE", "REPACK"),
            "recorded: zen4");
    /// An ARM CPU with the dot product but no i8mm (Apple M1, Cortex-A76).
    public static final CpuBackend ARM_DOTPROD = new CpuBackend(List.of("CPU_REPACK"),
            CpuBackend.features("NEON", "ARM_FMA", "FP16_VA", "DOTPROD", "REPACK"), "ARM v8.2");
    /// An ARM CPU with i8mm and 256-bit SVE (AWS Graviton3).
    public static final CpuBackend ARM_SVE256 = new CpuBackend(List.of("CPU_REPACK"), withSve(CpuBackend.features("NEON",
            "ARM_FMA", "FP16_VA", "MATMUL_INT8", "SVE", "DOTPROD", "REPACK")), "Graviton3");

    public static final BufferType CPU = new BufferType("CPU", "", DeviceType.CPU, true, false);
    public static final BufferType CPU_MAPPED = new BufferType("CPU_Mapped", "", DeviceType.CPU, true, false);
    public static final BufferType CPU_REPACK = new BufferType("CPU_REPACK", "CPU", DeviceType.CPU, false, true);
    public static final BufferType AMX = new BufferType("AMX", "CPU", DeviceType.CPU, false, true);
    public static final List<BufferType> AMX_TYPES = List.of(CPU, AMX, CPU_REPACK, CPU_MAPPED);
    /// The Vulkan build with a GPU (lavapipe here).
    public static final List<BufferType> VULKAN_TYPES = List.of(new BufferType("Vulkan0", "Vulkan0", DeviceType.GPU, false, false),
            new BufferType("Vulkan_Host", "Vulkan0", DeviceType.GPU, true, false), CPU, CPU_REPACK, CPU_MAPPED);

    public static final List<String> AMX_RECORDED = List.of("IQ3_S", "Q4_0", "Q4_K_M", "Q5_K_S", "Q6_K", "Q8_0");

    private static final Pattern KV = Pattern.compile("llama_model_loader: - kv +\\d+: +(\\S+) (u32|f32|str) += (.*)");

    private RecordedCpus() {}

    private static Map<String, String> withSve(Map<String, String> m) {
        m.put("SVE_CNT", "32");
        return m;
    }

    /// llama.cpp's log of `karuku estimate mid-TYPE.gguf --ctx 2048 --gpu-layers 0 --verify` on the AMX Xeon.
    public static String amxLog(String type) {
        return resource("mid-" + type + ".verify.log");
    }

    /// The header of `mid-TYPE.gguf`: metadata from the log's key/value dump, tensors from the recorded list, laid out
    /// in file order with GGUF's 32-byte alignment.
    public static GgufFile amxModel(String type) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        for (String line : amxLog(type).split("\\R")) {
            Matcher k = KV.matcher(line);
            if (!k.matches()) continue;
            String v = k.group(3).strip();
            m.put(k.group(1), switch (k.group(2)) {
                case "u32" -> new GgufValue.Int(GgufValue.Type.UINT32, Long.parseLong(v));
                case "f32" -> new GgufValue.Real(GgufValue.Type.FLOAT32, Double.parseDouble(v));
                default -> new GgufValue.Str(v);
            });
        }
        List<TensorInfo> tensors = new ArrayList<>();
        long offset = 0;
        for (String line : resource("mid-" + type + ".tensors.tsv").split("\\R")) {
            String[] f = line.split("\t");
            if (f.length < 4 || f[0].equals("name")) continue;
            long[] shape = Arrays.stream(f[2].split("x")).mapToLong(Long::parseLong).toArray();
            var t = new TensorInfo(f[0], GgmlType.valueOf(f[1]), shape, offset, Long.parseLong(f[3]));
            if (t.bytes() != TensorInfo.byteSize(t.type(), shape)) throw new IllegalStateException("size of " + t);
            tensors.add(t);
            offset = (offset + t.bytes() + 31) / 32 * 32;
        }
        return new GgufFile(3, new GgufMetadata(m), tensors, 32, 4096, 4000, 4096 + offset);
    }

    private static String resource(String name) {
        try (InputStream in = RecordedCpus.class.getResourceAsStream("/estimate/cpu-amx/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource estimate/cpu-amx/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
