package dev.karuku.engine.gguf;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/// Refuses files that llama.cpp v0.4.0 does not reject but aborts on.
///
/// llama.cpp turns most bad metadata into an error we can show (a missing key, a wrong type, a tensor of the wrong
/// shape), but some values pass its key checks and then trip a `GGML_ASSERT` in `load_hparams`, the vocabulary
/// loader or the graph builder (or throw a C++ exception out of `llama_tokenize`), and either ends the whole
/// process: the app's window closes with an answer streaming and downloads running. Each rule here mirrors one such
/// place in the pinned source and names the key or tensor, so a person learns which file is broken and why. Values llama.cpp refuses by itself (wrong types, wrong array
/// lengths, missing required keys) are left to it: its own message is as good.
public final class LoadCheck {

    /// `LLAMA_MAX_LAYERS` and `LLAMA_MAX_EXPERTS` in `llama-hparams.h`.
    static final long MAX_LAYERS = 512, MAX_EXPERTS = 1024;
    /// `LLAMA_ROPE_SCALING_TYPES` in `llama-model.cpp`; any other name is `UNSPECIFIED`, which it asserts against.
    static final Set<String> ROPE_SCALING_TYPES = Set.of("none", "linear", "yarn", "longrope");
    /// Architectures whose graph builder asserts `n_embd_head_v == n_embd_head_k` (`models/*.cpp`).
    static final Set<String> HEAD_K_EQUALS_V = Set.of("afmoe", "apertus", "arcee", "arctic", "baichuan", "bailingmoe2",
            "bert", "bitnet", "bloom", "chameleon", "chatglm", "codeshell", "cogvlm", "cohere2", "cohere2moe", "command-r",
            "dbrx", "deci", "deepseek", "dflash", "dots1", "dream", "eagle3", "ernie4_5-moe", "ernie4_5", "eurobert",
            "exaone", "falcon", "glm4moe", "glm4", "gpt2", "gptneox", "granitehybrid", "granite_swa", "graniteswitch",
            "granite", "grok", "grovemoe", "hunyuan-moe", "hunyuan_vl", "hy_v3", "internlm2", "jais", "jais2", "laguna",
            "llada-moe", "llada", "llama", "llama4", "maincoder", "mellum", "minimax-01", "minimax-m2", "minimax-m3",
            "mistral3", "modern-bert", "mpt", "muse-glimmer", "nanbeige", "nemotron_h_moe", "nemotron_h", "nemotron",
            "neo-bert", "olmo", "olmo2", "olmoe", "openelm", "orion", "paddleocr", "pangu-embedded", "phi2", "phi3",
            "plamo", "pockettts", "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen35", "qwen35moe", "qwen3moe",
            "qwen3next", "qwen3vl", "qwen3vlmoe", "qwen4exp", "refact", "rnd1", "seed_oss", "smallthinker", "smollm3",
            "stablelm", "starcoder", "starcoder2", "t5", "xverse");
    /// Architectures whose graph builder asserts that RoPE turns the whole head (`n_embd_head == n_rot`).
    static final Set<String> ROPE_WHOLE_HEAD = Set.of("apertus", "arcee", "arctic", "baichuan", "chameleon", "codeshell",
            "cogvlm", "cohere2moe", "dbrx", "deci", "deepseek", "dots1", "dream", "ernie4_5-moe", "ernie4_5", "exaone-moe",
            "exaone", "exaone4", "falcon", "granite_swa", "graniteswitch", "granite", "grok", "grovemoe", "hunyuan-moe",
            "hunyuan_vl", "hy_v3", "internlm2", "jais2", "llada-moe", "llada", "llama", "llama4", "maincoder", "mellum",
            "mistral3", "olmo", "olmo2", "olmoe", "orion", "paddleocr", "pangu-embedded", "plamo", "pockettts", "qwen2",
            "qwen2moe", "qwen2vl", "qwen3", "qwen3moe", "qwen3vl", "qwen3vlmoe", "rnd1", "seed_oss", "smallthinker",
            "smollm3", "starcoder2", "talkie", "xverse");

    private static final String SUFFIX = " (llama.cpp would crash on it)";

    private final GgufMetadata meta;
    private final String arch;

    private LoadCheck(GgufMetadata meta, String arch) {
        this.meta = meta;
        this.arch = arch;
    }

    /// Throws [GgufException.Kind#UNLOADABLE] naming the first key llama.cpp would abort on.
    public static void check(GgufFile file) throws GgufException {
        Optional<String> problem = problem(file);
        if (problem.isPresent()) throw new GgufException(GgufException.Kind.UNLOADABLE, problem.get());
    }

    /// What llama.cpp would abort on in this file, or empty. (Empty tensors, which it also aborts on, never get
    /// this far: [GgufReader] refuses them.)
    public static Optional<String> problem(GgufFile file) {
        return problem(file.metadata());
    }

    /// What llama.cpp would abort on in this metadata, or empty when it would load or refuse it by itself.
    public static Optional<String> problem(GgufMetadata meta) {
        Optional<String> arch = meta.architecture();
        if (arch.isEmpty() || arch.get().equals("clip")) return Optional.empty(); // llama.cpp refuses or skips hparams
        return new LoadCheck(meta, arch.get()).firstProblem();
    }

    private Optional<String> firstProblem() {
        String reason = vocabulary();
        if (reason == null) reason = hyperparameters();
        return Optional.ofNullable(reason).map(r -> r + SUFFIX);
    }

    private String hyperparameters() {
        String blocksKey = key("block_count");
        OptionalLong blocks = meta.integer(blocksKey);
        if (blocks.isEmpty()) return null; // missing or not an integer: llama.cpp says so itself
        long layers = blocks.getAsLong();
        if (layers < 1 || layers > MAX_LAYERS) {
            return blocksKey + " is " + layers + ", outside 1…" + MAX_LAYERS;
        }
        OptionalLong context = meta.integer(key("context_length"));
        if (context.isPresent() && context.getAsLong() == 0) return key("context_length") + " is 0";
        OptionalLong nextn = meta.integer(key("nextn_predict_layers"));
        if (nextn.isPresent() && Long.compareUnsigned(nextn.getAsLong(), layers) > 0) {
            return key("nextn_predict_layers") + " is " + nextn.getAsLong() + ", more than the " + layers + " blocks";
        }
        String experts = experts(layers);
        if (experts != null) return experts;
        String draft = dflashStages();
        if (draft != null) return draft;
        Optional<String> scaling = meta.string(key("rope.scaling.type"));
        if (scaling.isPresent() && !ROPE_SCALING_TYPES.contains(scaling.get())) {
            return key("rope.scaling.type") + " is \"" + scaling.get() + "\", not one of none, linear, yarn, longrope";
        }
        return heads();
    }

    /// The expert-routing asserts of `load_hparams`.
    private String experts(long layers) {
        String countKey = key("expert_count"), usedKey = key("expert_used_count");
        String groupsKey = key("expert_group_count"), groupUsedKey = key("expert_group_used_count");
        long experts = unsigned(countKey, 0);
        long used = perLayerMax(usedKey, layers);
        long groups = unsigned(groupsKey, 0);
        long groupUsed = unsigned(groupUsedKey, 0);
        if (experts > MAX_EXPERTS) return countKey + " is " + experts + ", more than " + MAX_EXPERTS;
        if (used > experts) {
            return experts == 0
                    ? usedKey + " is " + used + " but the model has no experts (" + countKey + " is missing or 0)"
                    : usedKey + " is " + used + ", more than the " + experts + " experts in " + countKey;
        }
        if (experts > 0) {
            if (used == 0) return usedKey + " is missing or 0 although " + countKey + " is " + experts;
            if (groups >= experts) return groupsKey + " is " + groups + ", not fewer than the " + experts + " experts";
            if (groups > 1) {
                if (experts % groups != 0) return groupsKey + " is " + groups + ", which does not divide the " + experts + " experts";
                if (groupUsed == 0) return groupUsedKey + " is missing or 0 although " + groupsKey + " is " + groups;
                if (groupUsed >= groups) return groupUsedKey + " is " + groupUsed + ", not fewer than the " + groups + " groups";
            }
        } else if (groups != 0) {
            return groupsKey + " is " + groups + " but the model has no experts";
        }
        return null;
    }

    /// DFlash drafts built on DeepSeek-V4 stages (`hyper_connection.count` > 0): `load_hparams` asserts a non-zero
    /// output group count (it divides by it) and a non-zero sliding window.
    private String dflashStages() {
        if (!arch.equals("dflash") || unsigned(key("hyper_connection.count"), 0) == 0) return null;
        for (String suffix : List.of("attention.output_group_count", "attention.sliding_window")) {
            if (meta.integer(key(suffix)).isPresent() && unsigned(key(suffix), 0) == 0) {
                return key(suffix) + " is 0 in a draft with " + key("hyper_connection.count") + " > 0";
            }
        }
        return null; // a missing key: llama.cpp says so itself
    }

    /// The graph builders' asserts on head sizes and RoPE (reached when a context is created).
    private String heads() {
        long heads = firstOf(key("attention.head_count"));
        OptionalLong embd = meta.integer(key("embedding_length"));
        if (heads <= 0 || embd.isEmpty()) return null;
        long headK = unsigned(key("attention.key_length"), embd.getAsLong() / heads);
        long headV = unsigned(key("attention.value_length"), embd.getAsLong() / heads);
        if (HEAD_K_EQUALS_V.contains(arch) && headK != headV) {
            return key("attention.key_length") + " (" + headK + ") and " + key("attention.value_length") + " (" + headV
                    + ") differ, which " + arch + " models cannot have";
        }
        long rot = unsigned(key("rope.dimension_count"), headK);
        if (ROPE_WHOLE_HEAD.contains(arch) && rot != headV) {
            return key("rope.dimension_count") + " is " + rot + " but each head has " + headV + " dimensions, which "
                    + arch + " models must rotate whole";
        }
        return null;
    }

    /// The vocabulary loader asserts that no two tokens have the same text; SentencePiece-style tokenizers
    /// (`llama`) spell text outside the vocabulary as byte tokens, and a missing one throws out of `llama_tokenize`,
    /// which ends the process as surely as an assert (on the first emoji or kanji typed).
    private String vocabulary() {
        List<GgufValue> tokens = meta.array("tokenizer.ggml.tokens");
        Set<String> seen = new HashSet<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (!(tokens.get(i) instanceof GgufValue.Str s)) return null; // a wrong type llama.cpp reports itself
            String word = s.value().isEmpty() ? "[EMPTY_" + i + "]" : s.value(); // as llama-vocab.cpp renames them
            if (!seen.add(word)) return "tokenizer.ggml.tokens holds \"" + printable(word) + "\" twice (token " + i + ")";
        }
        if (!tokens.isEmpty() && meta.string("tokenizer.ggml.model").orElse("").equals("llama")) {
            for (int b = 0; b < 256; b++) {
                String hex = String.format(java.util.Locale.ROOT, "<0x%02X>", b);
                if (!seen.contains(hex) && !(b < 0x80 && seen.contains(String.valueOf((char) b)))) {
                    return "tokenizer.ggml.tokens lacks the byte token " + hex + ", which text outside the vocabulary is spelled with";
                }
            }
        }
        return null;
    }

    private String key(String suffix) {
        return arch + "." + suffix;
    }

    /// An integer key read as llama.cpp's uint32, or `fallback` when absent or not a scalar integer.
    private long unsigned(String key, long fallback) {
        OptionalLong v = meta.integer(key);
        return v.isPresent() ? v.getAsLong() & 0xffffffffL : fallback;
    }

    /// A key that may be one value or one per layer (`get_key_or_arr`): the largest, 0 when absent.
    private long perLayerMax(String key, long layers) {
        if (meta.integer(key).isPresent()) return unsigned(key, 0);
        long[] values = meta.integers(key);
        if (values.length != layers) return 0; // llama.cpp refuses a wrong length by itself
        long max = 0;
        for (long v : values) max = Math.max(max, v & 0xffffffffL);
        return max;
    }

    /// The first layer's value of a key that may be per layer (what llama.cpp's `n_head()` reads).
    private long firstOf(String key) {
        if (meta.integer(key).isPresent()) return unsigned(key, 0);
        long[] values = meta.integers(key);
        return values.length == 0 ? 0 : values[0] & 0xffffffffL;
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
