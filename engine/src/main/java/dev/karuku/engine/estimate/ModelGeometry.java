package dev.karuku.engine.estimate;

import dev.karuku.engine.estimate.replay.GpuComputeReplay;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/// The hyperparameters the memory model needs, read from a GGUF header only (local file or the prefix of a
/// remote one), with llama.cpp v0.4.0's defaults where a key is absent.
///
/// Per-layer arrays (`head_count_kv`, `feed_forward_length`) are expanded so every layer has its own value;
/// [#swaLayers] marks sliding-window layers. Anything the model does not cover is listed in [#unmodelled],
/// which makes the estimate `approximate`.
///
/// @param architecture  `general.architecture`
/// @param layers        `block_count`
/// @param embd          `embedding_length`
/// @param heads         attention heads of layer 0
/// @param headsKv       KV heads per layer
/// @param ff            feed-forward width per layer (the expert width for MoE models)
/// @param headK         key head dimension
/// @param headV         value head dimension
/// @param vocab         tokens in the output layer
/// @param contextTrain  `context_length`
/// @param slidingWindow `attention.sliding_window`, 0 for none
/// @param swaLayers     per layer: true for a sliding-window layer
/// @param experts       `expert_count` (0 for dense models)
/// @param expertsUsed   `expert_used_count`
/// @param tied          no `output.weight`: the token embedding doubles as the output layer
/// @param unmodelled    reasons the estimate is only approximate (empty when exact)
public record ModelGeometry(String architecture, int layers, long embd, int heads, int[] headsKv, long[] ff, long headK,
                            long headV, long vocab, long contextTrain, long slidingWindow, boolean[] swaLayers,
                            int experts, int expertsUsed, boolean tied, List<String> unmodelled) {

    /// Architectures whose graph matches the dense/MoE transformer the compute model was calibrated on.
    static final Set<String> MODELLED = Set.of("llama", "mistral", "mistral3", "qwen2", "qwen3", "qwen3moe", "qwen2moe",
            "gemma", "gemma2", "gemma3", "phi3", "granite", "olmo2", "exaone", "internlm2", "smollm3");

    public ModelGeometry {
        headsKv = headsKv.clone();
        ff = ff.clone();
        swaLayers = swaLayers.clone();
        unmodelled = List.copyOf(unmodelled);
    }

    public static ModelGeometry of(GgufFile file) {
        GgufMetadata m = file.metadata();
        String arch = m.architecture().orElse("unknown");
        List<String> why = new ArrayList<>();
        if (!MODELLED.contains(arch)) why.add("architecture '" + arch + "' is not modelled; its compute buffers are a guess");
        int layers = (int) m.integer(m.arch("block_count")).orElse(0);
        long embd = m.integer(m.arch("embedding_length")).orElseGet(() -> file.tensor("token_embd.weight").map(t -> t.ne(0)).orElse(0L));
        long[] headArr = perLayer(m, "attention.head_count", layers, 0);
        int heads = layers > 0 ? (int) headArr[0] : 0;
        long[] kvArr = perLayer(m, "attention.head_count_kv", layers, heads);
        int[] headsKv = new int[layers];
        for (int i = 0; i < layers; i++) headsKv[i] = (int) kvArr[i];
        long headK = m.integer(m.arch("attention.key_length")).orElse(heads > 0 ? embd / heads : 0);
        long headV = m.integer(m.arch("attention.value_length")).orElse(heads > 0 ? embd / heads : 0);
        int experts = (int) m.integer(m.arch("expert_count")).orElse(0);
        int used = (int) m.integer(m.arch("expert_used_count")).orElse(0);
        long[] ff = perLayer(m, "feed_forward_length", layers, 0);
        long expertFf = m.integer(m.arch("expert_feed_forward_length")).orElse(0);
        if (experts > 0 && expertFf > 0) java.util.Arrays.fill(ff, expertFf);
        long vocab = file.tensor("output.weight").or(() -> file.tensor("token_embd.weight")).map(t -> t.ne(1))
                .orElse(m.integer(m.arch("vocab_size")).orElse(m.array("tokenizer.ggml.tokens").size()));
        long ctxTrain = m.integer(m.arch("context_length")).orElse(4096);
        long swa = m.integer(m.arch("attention.sliding_window")).orElse(0);
        boolean[] swaLayers = swaLayers(m, arch, layers, swa, why);
        if (m.integer(m.arch("attention.kv_lora_rank")).isPresent()) why.add("multi-head latent attention (MLA) is not modelled");
        if (m.keys().stream().anyMatch(k -> k.startsWith(arch + ".ssm.") || k.startsWith(arch + ".wkv.") || k.startsWith(arch + ".rwkv")))
            why.add("recurrent or hybrid layers are not modelled");
        if (layers == 0 || embd == 0 || heads == 0) why.add("the header lacks block_count, embedding_length or head_count");
        boolean tied = file.tensor("output.weight").isEmpty();
        return new ModelGeometry(arch, layers, embd, heads, headsKv, ff, headK, headV, vocab, ctxTrain, swa, swaLayers,
                experts, used, tied, why);
    }

    /// A scalar key, or an array with one value per layer; `fallback` when absent.
    private static long[] perLayer(GgufMetadata m, String key, int layers, long fallback) {
        long[] out = new long[layers];
        long[] arr = m.integers(m.arch(key));
        if (arr.length >= layers && arr.length > 0) {
            System.arraycopy(arr, 0, out, 0, layers);
        } else {
            java.util.Arrays.fill(out, m.integer(m.arch(key)).orElse(fallback));
        }
        return out;
    }

    /// llama.cpp's `set_swa_pattern(P)`: layer `il` slides iff `il % P < P - 1`; a per-layer bool array wins.
    private static boolean[] swaLayers(GgufMetadata m, String arch, int layers, long swa, List<String> why) {
        boolean[] out = new boolean[layers];
        if (swa <= 0) return out;
        var arr = m.array(m.arch("attention.sliding_window_pattern"));
        if (arr.size() == layers && arr.stream().allMatch(v -> v instanceof dev.karuku.engine.gguf.GgufValue.Bool)) {
            for (int i = 0; i < layers; i++) out[i] = ((dev.karuku.engine.gguf.GgufValue.Bool) arr.get(i)).value();
            return out;
        }
        int pattern = switch (arch) {
            case "gemma2", "gpt-oss" -> 2;
            case "gemma3" -> 6;
            case "cohere2", "llama4" -> 4;
            default -> (int) m.integer(m.arch("attention.sliding_window_pattern")).orElse(0);
        };
        if (pattern <= 0) {
            why.add("sliding-window layout of '" + arch + "' is unknown; all layers counted as full attention");
            return out;
        }
        for (int i = 0; i < layers; i++) out[i] = i % pattern < pattern - 1;
        return out;
    }

    public int swaLayerCount() {
        int n = 0;
        for (boolean b : swaLayers) if (b) n++;
        return n;
    }

    /// Gemma-family graphs normalise and scale Q separately (q/k norms), keeping extra Q-sized tensors alive (a term of
    /// the closed form, for the gemma graphs the replay does not cover).
    public boolean qkNorm() {
        return architecture.startsWith("gemma");
    }

    /// The block layout whose GPU compute buffer is replayed node by node
    /// ([dev.karuku.engine.estimate.replay.GpuComputeReplay]) instead of the closed form, for models built by
    /// llama.cpp's `llm_build_llama`, `llm_build_qwen2`, `llm_build_qwen3`, `llm_build_gemma3` (dense) and
    /// `llm_build_qwen3moe`; empty otherwise (other MoE graphs included).
    public Optional<GpuComputeReplay.Layout> replayLayout() {
        if (isMoe()) return Optional.ofNullable(architecture.equals("qwen3moe") ? GpuComputeReplay.Layout.QWEN3MOE : null);
        return Optional.ofNullable(switch (architecture) {
            case "llama", "qwen2" -> GpuComputeReplay.Layout.LLAMA;
            case "qwen3" -> GpuComputeReplay.Layout.QWEN3;
            case "gemma3" -> GpuComputeReplay.Layout.GEMMA3;
            default -> null;
        });
    }

    public boolean isMoe() {
        return experts > 0;
    }

    /// `n_head * head_k`: the width of the query projection.
    public long qWidth() {
        return (long) heads * headK;
    }

    public long maxFf() {
        long x = 0;
        for (long f : ff) x = Math.max(x, f);
        return x;
    }

    public int maxHeadsKv() {
        int x = 0;
        for (int h : headsKv) x = Math.max(x, h);
        return x;
    }

    /// Which unit a tensor belongs to for placement: a block index, [#OUTPUT] or [#INPUT].
    public int unitOf(TensorInfo t) {
        String n = t.name();
        if (n.startsWith("blk.")) {
            int dot = n.indexOf('.', 4);
            try {
                return Integer.parseInt(n.substring(4, dot));
            } catch (RuntimeException e) {
                return INPUT;
            }
        }
        if (n.startsWith("output") || n.startsWith("cls")) return OUTPUT;
        return INPUT;
    }

    public static final int INPUT = -1;
    public static final int OUTPUT = Integer.MAX_VALUE;
}
