package dev.karuku.engine.hardware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/// What llama.cpp's CPU backend does with weights on this machine, as the loaded `ggml-cpu-*` build reports it: the
/// extra buffer types it offers, in its order of preference (`AMX` before `CPU_REPACK` on an Intel Xeon with AMX;
/// `CPU_REPACK` alone on other AVX2/AVX-512 x86 CPUs and on ARM), and its features (`AVX2`, `AVX512`, `NEON`,
/// `DOTPROD`, `MATMUL_INT8`, `SVE`, `SVE_CNT`, `AMX_INT8`, …), which decide the types `CPU_REPACK` takes.
///
/// Taken from ggml's API (`llama.LlamaHardware.cpuBackend`), never from the CPU's brand, so the estimator stays a pure function
/// that tests can hand a recorded description (an AMX Xeon, an ARM board, none).
///
/// @param extraBufferTypes the names of `ggml_backend_dev_get_extra_bufts`, in ggml's order
/// @param features         `ggml_backend_get_features`: name → value (`1`, or a number such as `SVE_CNT` → `32`)
/// @param source           where the description comes from: `ggml` when the natives reported it, else how it was
///                         guessed (`cpuinfo flags`)
public record CpuBackend(List<String> extraBufferTypes, Map<String, String> features, String source) {

    /// A CPU backend with no extra buffer types: every weight stays in the mapped file.
    public static final CpuBackend NONE = new CpuBackend(List.of(), Map.of(), "none");

    /// A common x86-64 CPU with AVX2 (ggml's `haswell` build): `CPU_REPACK` only.
    public static final CpuBackend X86_AVX2 = new CpuBackend(List.of("CPU_REPACK"),
            features("SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2", "LLAMAFILE", "REPACK"), "recorded: haswell");

    public CpuBackend {
        extraBufferTypes = List.copyOf(extraBufferTypes);
        features = Map.copyOf(features);
    }

    /// A guess for when llama.cpp's libraries are not loaded (`--cpu-only`, or before the first load), from the
    /// flags the OS lists for the CPU; what ggml would choose on it: `AMX` first where the CPU has AMX-INT8 and
    /// AVX512-VNNI (the `sapphirerapids` build), then `CPU_REPACK` where it has AVX2 or (on ARM) NEON.
    ///
    /// @param arch  `os.arch`
    /// @param flags the `flags` (x86) or `Features` (ARM) of `/proc/cpuinfo`; empty when unknown
    public static CpuBackend guess(String arch, String flags) {
        String a = arch.toLowerCase(Locale.ROOT);
        List<String> f = List.of(flags.toLowerCase(Locale.ROOT).strip().split("\\s+"));
        if (a.equals("aarch64") || a.equals("arm64")) {
            // Every 64-bit ARM CPU has NEON; Apple's (no cpuinfo) and most recent ones have the dot product.
            boolean unknown = flags.isBlank();
            Map<String, String> m = new LinkedHashMap<>();
            m.put("NEON", "1");
            if (unknown || f.contains("asimddp")) m.put("DOTPROD", "1");
            if (f.contains("i8mm")) m.put("MATMUL_INT8", "1");
            if (f.contains("sve")) m.put("SVE", "1");
            m.put("REPACK", "1");
            return new CpuBackend(List.of("CPU_REPACK"), m, "guessed from cpuinfo flags");
        }
        if (flags.isBlank()) return new CpuBackend(X86_AVX2.extraBufferTypes, X86_AVX2.features, "guessed: x86-64 with AVX2");
        Map<String, String> m = new LinkedHashMap<>();
        if (f.contains("avx2")) m.put("AVX2", "1");
        if (f.contains("avx512f")) m.put("AVX512", "1");
        if (f.contains("avx512_vnni")) m.put("AVX512_VNNI", "1");
        boolean amx = f.contains("amx_int8") && f.contains("avx512_vnni");
        if (amx) m.put("AMX_INT8", "1");
        m.put("REPACK", "1");
        List<String> extra = amx ? List.of("AMX", "CPU_REPACK") : m.containsKey("AVX2") ? List.of("CPU_REPACK") : List.of();
        return new CpuBackend(extra, m, "guessed from cpuinfo flags");
    }

    /// True when the backend reports this feature (with any value but `0`).
    public boolean has(String feature) {
        String v = features.get(feature);
        return v != null && !v.equals("0");
    }

    /// `SVE_CNT`: the SVE vector length in bytes, 0 without SVE.
    public int sveBytes() {
        try {
            return Integer.parseInt(features.getOrDefault("SVE_CNT", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /// A description with these features set to `1` (for recorded descriptions).
    public static Map<String, String> features(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) m.put(n, "1");
        return m;
    }
}
