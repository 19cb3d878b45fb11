package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.hardware.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/// llama.cpp v0.4.0's CPU extra buffer types as rules: which weights each takes and what it allocates for one.
///
/// For a weight on the CPU, `select_weight_buft` (`src/llama-model-loader.cpp`) walks the CPU buffer list in order —
/// the extra types `ggml_backend_dev_get_extra_bufts` returns (`AMX` first where it exists, then `CPU_REPACK`;
/// `ggml-cpu/ggml-cpu.cpp`), then plain `CPU` — and takes the first whose `supports_op` accepts the weight's use (a
/// dummy `MUL_MAT` against 512 f32 columns, `MUL_MAT_ID` for expert tensors, `GET_ROWS` for embeddings). A weight an
/// extra type takes is copied there at load (repacked) and leaves the mapped file span.
///
/// - **AMX** (`ggml-cpu/amx/amx.cpp`, `supports_op`; sizes from `amx/mmq.cpp`, `ggml_backend_amx_get_alloc_size`):
///   `MUL_MAT` only; output rows `ne[1]` a multiple of 32 (`TILE_N * 2`); types and `ne[0]` multiples: Q4_0, Q4_1,
///   Q8_0 (32), Q4_K, Q5_K, Q6_K, IQ4_XS (256), F16 (16). Bytes: `ne[1]` rows of `ne[0]/block` blocks, plus 4 bytes
///   a block for Q8_0 (compensation), Q4_K and Q5_K (unpacked scales), 2 for IQ4_XS; F16 unchanged.
/// - **CPU_REPACK** (`ggml-cpu/repack.cpp`, `ggml_repack_get_optimal_repack_type` and `supports_op`): 2-D `MUL_MAT`
///   or 3-D `MUL_MAT_ID` weights of the types the CPU has kernels for; the same bytes as in the file:
///   Q4_0 (AVX2, or SVE 256-bit with i8mm: rows % 8; NEON with i8mm or dot product: rows % 4), Q4_K (AVX2, NEON
///   with i8mm or dot product: rows % 8), Q2_K (AVX-512: rows % 8), Q5_K and Q6_K (NEON with i8mm or dot product:
///   rows % 8), IQ4_NL and MXFP4 (AVX2: rows % 8; NEON with dot product: rows % 4), Q8_0 (NEON with i8mm or dot
///   product: rows % 4).
///
/// Every allocation is padded to ggml's `TENSOR_ALIGNMENT` (32 bytes).
final class CpuExtraBuffers {

    static final long TENSOR_ALIGNMENT = 32;

    /// How llama.cpp uses a weight (`llm_tensor_info.op`), which is what the extra types are asked about.
    enum Use { MUL_MAT, MUL_MAT_ID, OTHER }

    /// One extra buffer type: the bytes it allocates for a weight it takes, or -1 when it does not take it.
    interface Rule {
        String name();

        long bytes(TensorInfo t, Use use);
    }

    /// Where a weight goes: the extra buffer type's name and the bytes it takes there.
    record Placed(String buffer, long bytes) {}

    private final List<Rule> rules;
    private final List<String> unmodelled;

    private CpuExtraBuffers(List<Rule> rules, List<String> unmodelled) {
        this.rules = List.copyOf(rules);
        this.unmodelled = List.copyOf(unmodelled);
    }

    /// The rules for the extra buffer types this CPU backend offers, in its order.
    static CpuExtraBuffers of(CpuBackend cpu) {
        List<Rule> rules = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : cpu.extraBufferTypes()) {
            switch (name) {
                case "AMX" -> rules.add(new Amx());
                case "CPU_REPACK" -> rules.add(new Repack(cpu));
                default -> unknown.add(name);
            }
        }
        return new CpuExtraBuffers(rules, unknown);
    }

    /// No extra buffer types (`use_extra_bufts` off, or weights that go to a GPU backend's host buffer).
    static final CpuExtraBuffers NONE = new CpuExtraBuffers(List.of(), List.of());

    /// Extra buffer types the CPU backend offers that these rules do not know (e.g. KleidiAI on some ARM builds).
    List<String> unmodelled() {
        return unmodelled;
    }

    /// The first extra buffer type that takes this weight, as llama.cpp picks it; empty when it stays in `CPU`.
    Optional<Placed> place(TensorInfo t, Use use) {
        for (Rule r : rules) {
            long b = r.bytes(t, use);
            if (b >= 0) return Optional.of(new Placed(r.name(), pad(b)));
        }
        return Optional.empty();
    }

    /// How llama.cpp v0.4.0's tensor table (`LLM_TENSOR_INFOS`, `src/llama-arch.cpp`) uses a weight, by its name:
    /// embeddings are rows looked up (`GET_ROWS`), expert tensors `MUL_MAT_ID`, other matrices `MUL_MAT`; norms,
    /// biases, convolutions and 1-D tensors something else.
    static Use useOf(TensorInfo t) {
        String n = t.name();
        if (t.dimensions() < 2 || !n.endsWith(".weight")) return Use.OTHER;
        if (n.startsWith("token_embd") || n.startsWith("position_embd") || n.startsWith("token_types")
                || n.startsWith("per_layer_token_embd") || n.contains("conv") || n.endsWith("ssm_a")) return Use.OTHER;
        if (n.contains("_exps.") || n.contains("_chexps.")) return Use.MUL_MAT_ID;
        return Use.MUL_MAT;
    }

    static long pad(long bytes) {
        return (bytes + TENSOR_ALIGNMENT - 1) / TENSOR_ALIGNMENT * TENSOR_ALIGNMENT;
    }

    /// `ggml_n_dims`: dimensions up to the last one larger than 1.
    static int nDims(TensorInfo t) {
        for (int i = 3; i >= 1; i--) if (t.ne(i) > 1) return i + 1;
        return 1;
    }

    /// Intel AMX: `ggml_backend_amx_buffer_type`, offered by the `sapphirerapids` build when the kernel grants the tiles.
    static final class Amx implements Rule {

        /// `ne[0]` must be a multiple of this (`supports_op`).
        private static final Map<GgmlType, Integer> ALIGN = Map.of(GgmlType.Q4_0, 32, GgmlType.Q4_1, 32, GgmlType.Q8_0, 32,
                GgmlType.Q4_K, 256, GgmlType.Q5_K, 256, GgmlType.Q6_K, 256, GgmlType.IQ4_XS, 256, GgmlType.F16, 16);
        /// Bytes added per block by the packed layout (`get_row_size`).
        private static final Map<GgmlType, Integer> EXTRA = Map.of(GgmlType.Q8_0, 4, GgmlType.Q4_K, 4, GgmlType.Q5_K, 4,
                GgmlType.IQ4_XS, 2);

        @Override
        public String name() {
            return "AMX";
        }

        @Override
        public long bytes(TensorInfo t, Use use) {
            Integer align = ALIGN.get(t.type());
            if (use != Use.MUL_MAT || align == null || t.ne(1) % 32 != 0 || t.ne(0) % align != 0) return -1;
            if (t.type() == GgmlType.F16) return t.bytes();
            long blocks = t.ne(0) / t.type().blockSize();
            long row = blocks * (t.type().typeSize() + EXTRA.getOrDefault(t.type(), 0));
            return t.ne(1) * row; // get_alloc_size counts ne[1] rows only, as the 2-D weights it takes have
        }
    }

    /// `CPU_REPACK`: interleaved rows for the SIMD kernels the CPU backend was built with.
    static final class Repack implements Rule {

        private final CpuBackend cpu;

        Repack(CpuBackend cpu) {
            this.cpu = cpu;
        }

        @Override
        public String name() {
            return "CPU_REPACK";
        }

        @Override
        public long bytes(TensorInfo t, Use use) {
            boolean shape = use == Use.MUL_MAT && nDims(t) == 2 || use == Use.MUL_MAT_ID && nDims(t) == 3;
            return shape && hasKernel(t.type(), t.ne(1)) ? t.bytes() : -1;
        }

        /// `ggml_repack_get_optimal_repack_type`: whether a kernel exists for this type with `rows` output rows.
        boolean hasKernel(GgmlType type, long rows) {
            boolean avx2 = cpu.has("AVX2"), neon = cpu.has("NEON"), i8mm = cpu.has("MATMUL_INT8"), dot = cpu.has("DOTPROD");
            boolean by8 = rows % 8 == 0, by4 = rows % 4 == 0;
            return switch (type) {
                case Q4_0 -> (avx2 || cpu.has("SVE") && i8mm && cpu.sveBytes() == 32) && by8 || neon && (i8mm || dot) && by4;
                case Q4_K -> (avx2 || neon && (i8mm || dot)) && by8;
                case Q2_K -> cpu.has("AVX512") && by8;
                case Q5_K, Q6_K -> neon && (i8mm || dot) && by8;
                case IQ4_NL, MXFP4 -> avx2 && by8 || neon && dot && by4;
                case Q8_0 -> neon && (i8mm || dot) && by4;
                default -> false;
            };
        }
    }
}
