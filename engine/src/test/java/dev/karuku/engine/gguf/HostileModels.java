package dev.karuku.engine.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/// Small models whose metadata passes llama.cpp v0.4.0's key and type checks but trips a `GGML_ASSERT` (or
/// `GGML_ABORT`) inside it while loading, creating a context or tokenizing: each one, handed to llama.cpp as is,
/// ends the process with SIGABRT (exit 134); `no-byte-tokens` does so on a prompt outside its vocabulary. Each
/// was seen doing so once, with [#main] and the launcher (`generate` with the prompt "日本") before the
/// load check existed; the suite proves that the check now refuses every one with a message naming the key.
///
/// @param name     file name stem and test display name
/// @param key      the metadata key the refusal must name
/// @param shape    the otherwise valid model
/// @param edit     what is wrong with it
/// @param reshape  for files wrong in their tensors too: each tensor's new shape from its name and shape (null: none)
public record HostileModels(String name, String key, ModelShape shape, Consumer<GgufWriter> edit,
                            BiFunction<String, long[], long[]> reshape) {

    public HostileModels(String name, String key, ModelShape shape, Consumer<GgufWriter> edit) {
        this(name, key, shape, edit, null);
    }

    static final ModelShape LLAMA = new ModelShape("llama", 2, 64, 128, 4, 4, 16, 300, 256, false, 0);
    static final ModelShape QWEN3 = new ModelShape("qwen3", 2, 64, 128, 4, 2, 16, 300, 256, false, 0);
    static final ModelShape QWEN3MOE = new ModelShape("qwen3moe", 2, 64, 128, 4, 2, 16, 300, 256, false, 0, 4, 2);

    public Path write(Path dir) throws IOException {
        Path out = dir.resolve(name + ".gguf");
        if (reshape == null) return TestModels.write(out, shape, GgmlType.F32, edit);
        // The same metadata, and every tensor (zeros: loading does not look at values) in its new shape.
        Path valid = TestModels.write(dir.resolve(name + ".valid.gguf"), shape, GgmlType.F32, edit);
        GgufFile f;
        try {
            f = GgufReader.read(valid);
        } catch (GgufException e) {
            throw new IOException(e);
        }
        GgufWriter w = new GgufWriter();
        f.metadata().asMap().forEach(w::put);
        for (TensorInfo t : f.tensors()) w.tensor(t.name(), t.type(), reshape.apply(t.name(), t.shape()), GgufWriter.TensorData.ZEROS);
        w.write(out);
        java.nio.file.Files.delete(valid);
        return out;
    }

    /// Every hostile file.
    public static List<HostileModels> all() {
        List<HostileModels> all = new ArrayList<>();
        all.add(new HostileModels("expert-used-without-experts", "llama.expert_used_count", LLAMA,
                w -> w.putU32("llama.expert_used_count", 1)));
        all.add(new HostileModels("expert-used-above-count", "qwen3moe.expert_used_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_used_count", 5)));
        all.add(new HostileModels("experts-none-used", "qwen3moe.expert_used_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_used_count", 0)));
        all.add(new HostileModels("too-many-experts", "qwen3moe.expert_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_count", 2000)));
        all.add(new HostileModels("expert-groups-without-experts", "llama.expert_group_count", LLAMA,
                w -> w.putU32("llama.expert_group_count", 2)));
        all.add(new HostileModels("expert-groups-not-dividing", "qwen3moe.expert_group_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_group_count", 3).putU32("qwen3moe.expert_group_used_count", 1)));
        all.add(new HostileModels("expert-groups-as-many-as-experts", "qwen3moe.expert_group_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_group_count", 4).putU32("qwen3moe.expert_group_used_count", 1)));
        all.add(new HostileModels("expert-groups-none-used", "qwen3moe.expert_group_used_count", QWEN3MOE,
                w -> w.putU32("qwen3moe.expert_group_count", 2)));
        all.add(new HostileModels("zero-blocks", "llama.block_count", LLAMA, w -> w.putU32("llama.block_count", 0)));
        all.add(new HostileModels("too-many-blocks", "llama.block_count", LLAMA, w -> w.putU32("llama.block_count", 600)));
        all.add(new HostileModels("nextn-above-blocks", "llama.nextn_predict_layers", LLAMA,
                w -> w.putU32("llama.nextn_predict_layers", 3)));
        all.add(new HostileModels("unknown-rope-scaling", "llama.rope.scaling.type", LLAMA,
                w -> w.putString("llama.rope.scaling.type", "bogus")));
        all.add(new HostileModels("rope-dims-not-head-dim", "qwen3.rope.dimension_count", QWEN3,
                w -> w.putU32("qwen3.rope.dimension_count", 8)));
        all.add(new HostileModels("rope-dims-above-head-dim", "qwen3.rope.dimension_count", QWEN3,
                w -> w.putU32("qwen3.rope.dimension_count", 32)));
        all.add(new HostileModels("zero-context", "llama.context_length", LLAMA, w -> w.putU32("llama.context_length", 0)));
        all.add(new HostileModels("duplicate-tokens", "tokenizer.ggml.tokens", LLAMA, w -> {
            var tokens = new ArrayList<>(((GgufValue.Array) w.value("tokenizer.ggml.tokens")).values());
            tokens.set(tokens.size() - 1, tokens.get(tokens.size() - 2));
            w.put("tokenizer.ggml.tokens", new GgufValue.Array(GgufValue.Type.STRING, tokens));
        }));
        all.add(new HostileModels("zero-width-feed-forward", "blk.0.ffn_gate.weight", LLAMA,
                w -> w.putU32("llama.feed_forward_length", 0),
                (name, shape) -> name.matches("blk\\.\\d+\\.ffn_(gate|up)\\.weight") ? new long[] {shape[0], 0}
                        : name.matches("blk\\.\\d+\\.ffn_down\\.weight") ? new long[] {0, shape[1]} : shape));
        // This one aborts on the first prompt with text outside the vocabulary ("日本"), not on "abc".
        all.add(new HostileModels("no-byte-tokens", "tokenizer.ggml.tokens", LLAMA, w -> {
            var tokens = new ArrayList<>(((GgufValue.Array) w.value("tokenizer.ggml.tokens")).values());
            var types = new ArrayList<>(((GgufValue.Array) w.value("tokenizer.ggml.token_type")).values());
            for (int i = 0; i < tokens.size(); i++) {
                if (((GgufValue.Str) tokens.get(i)).value().startsWith("<0x")) {
                    tokens.set(i, new GgufValue.Str("byte" + i));
                    types.set(i, new GgufValue.Int(GgufValue.Type.INT32, TestModels.NORMAL));
                }
            }
            w.put("tokenizer.ggml.tokens", new GgufValue.Array(GgufValue.Type.STRING, tokens));
            w.put("tokenizer.ggml.token_type", new GgufValue.Array(GgufValue.Type.INT32, types));
        }));
        return all;
    }

    /// Writes every hostile file into the folder given as the first argument (for the proof run by hand).
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        for (HostileModels h : all()) System.out.println(h.write(dir));
    }
}
