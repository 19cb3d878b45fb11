package dev.karuku.engine.gguf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/// Synthetic GGUF models written by our own code, so tests, the CLI and benchmarks never need a download.
///
/// - [#successor(Path)] is the known-answer model of engine-notes.md: after the prompt `abc`, greedy decoding
///   continues `defghijklmnopqrstuvwxyzabc…`. Every block passes the residual through unchanged (attention output
///   and FFN down-projection are zero) and the output layer maps letter *n* to letter *n+1*, so the answer
///   survives quantization and exercises tokenization, decoding, sampling and detokenization for real.
/// - [#write(Path, ModelShape, GgmlType)] writes a model of any realistic shape with random weights, streamed to
///   disk: speed and memory do not depend on the values.
///
/// Weights come from fixed seeds, so the same call writes the same bytes on every machine.
public final class TestModels {

    /// Seed of every random stream here (each tensor's stream is this mixed with the tensor's name).
    public static final long SEED = 0x4b6172756b75L;
    /// The ChatML template; llama_chat_apply_template recognises it by `<|im_start|>`.
    public static final String CHATML_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
            + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";
    /// llama.cpp token types (`enum llama_token_type`).
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, BYTE = 6;
    /// The thinker's template in Qwen3's manner: the messages as plain text (earlier thinking left out, as Qwen3
    /// leaves it), and `<think></think>` after the prompt when `enable_thinking` is false.
    public static final String THINKER_TEMPLATE = "{%- for message in messages -%}{{ message['content'] }}{%- endfor -%}"
            + "{%- if add_generation_prompt and enable_thinking is defined and enable_thinking is false -%}"
            + "<think></think>{%- endif -%}";
    /// The thinker's template in DeepSeek-R1's manner: the prompt opens the thinking itself.
    public static final String OPENS_THINKING_TEMPLATE = "{%- for message in messages -%}{{ message['content'] }}"
            + "{%- endfor -%}{%- if add_generation_prompt -%}<think>{%- endif -%}";
    /// Id of `a` in the successor model: `<unk>`, `<s>`, `</s>` and 256 byte tokens come first.
    public static final int SUCCESSOR_FIRST_LETTER = 259;

    private TestModels() {}

    /// Writes the known-answer model with F32 weights (about 6 MB).
    public static Path successor(Path out) throws IOException {
        return successor(out, GgmlType.F32);
    }

    /// Writes the known-answer model; `type` (F32 or F16) applies to the 2-D weights, norms stay F32.
    public static Path successor(Path out, GgmlType type) throws IOException {
        return successor(out, type, ModelShape.successor(), 0);
    }

    /// Writes the known-answer construction at another `shape` (its vocabulary size is ignored: the vocabulary is always
    /// the successor's 285 tokens, shared by every model written here, so any of them drafts for any other). At
    /// [ModelShape#successor1b()] its matrices cost what a 1B model's do, its answer stays exact.
    ///
    /// @param errEvery 0 for the exact answer; k maps every k-th letter (the k-th, 2k-th, … of the alphabet) to the
    ///                 letter after its successor instead: a draft model that errs on every k-th token of the
    ///                 alphabet (1: always)
    public static Path successor(Path out, GgmlType type, ModelShape shape, int errEvery) throws IOException {
        if (errEvery < 0) throw new IllegalArgumentException("errEvery must be 0 (never) or more: " + errEvery);
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL));
        addByteTokens(tokens, types);
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add(String.valueOf(c));
            types.add(NORMAL);
        }
        int vocab = tokens.size();
        int embd = shape.embd();
        float[] embedding = unitRows(vocab, embd, new SplittableRandom(SEED));
        float[] output = new float[vocab * embd];
        for (int letter = 0; letter < 26; letter++) {
            int from = SUCCESSOR_FIRST_LETTER + letter;
            boolean errs = errEvery > 0 && (letter + 1) % errEvery == 0;
            int to = SUCCESSOR_FIRST_LETTER + (letter + (errs ? 2 : 1)) % 26;
            for (int i = 0; i < embd; i++) output[to * embd + i] += 0.5f * embedding[from * embd + i];
        }
        GgufWriter w = header(shape.withVocab(vocab), type, errEvery == 0 ? "Karuku successor test model"
                : "Karuku successor test model erring every " + errEvery);
        tokenizer(w, tokens, types, new float[vocab]);
        for (ModelShape.TensorSpec t : shape.withVocab(vocab).tensors()) {
            GgufWriter.TensorData data = switch (t.name().replaceFirst("^blk\\.\\d+\\.", "")) {
                case "token_embd.weight" -> GgufWriter.TensorData.of(embedding);
                case "output.weight" -> GgufWriter.TensorData.of(output);
                case "attn_output.weight", "ffn_down.weight" -> GgufWriter.TensorData.ZEROS;
                default -> t.isNorm() ? GgufWriter.TensorData.constant(1f) : gaussian(t.name(), 0.02f);
            };
            w.tensor(t.name(), t.isNorm() ? GgmlType.F32 : type, t.shape(), data);
        }
        w.write(out);
        return out;
    }

    /// Writes a reasoning model whose answer is known: the successor model's vocabulary with `<think>` and
    /// `</think>` (user-defined tokens, shown as text, as in Qwen3) and `template` as its chat template. After `?`
    /// it writes `<think>`, then `abcde` (its thinking), `</think>`, and answers `xyz`, then ends (`</s>` follows
    /// `z`). After `</think>` it answers at once; after `<think>` it thinks. Other letters continue the alphabet up
    /// to `z`, then end.
    public static Path thinker(Path out, String template) throws IOException {
        ModelShape shape = ModelShape.successor().withVocab(287);
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL));
        addByteTokens(tokens, types);
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add(String.valueOf(c));
            types.add(NORMAL);
        }
        int open = tokens.size(), close = open + 1;
        tokens.add("<think>");
        tokens.add("</think>");
        types.add(USER_DEFINED);
        types.add(USER_DEFINED);
        int vocab = tokens.size();
        int embd = shape.embd();
        float[] embedding = unitRows(vocab, embd, new SplittableRandom(SEED));
        float[] output = new float[vocab * embd];
        int letterA = SUCCESSOR_FIRST_LETTER;
        for (int letter = 0; letter < 26; letter++) {
            addRow(output, embedding, embd, letterA + (letter + 1) % 26, letterA + letter, 0.5f);
        }
        addRow(output, embedding, embd, open, 3 + '?', 0.7f);        // ? → <think>
        addRow(output, embedding, embd, letterA, open, 0.6f);        // <think> → a
        addRow(output, embedding, embd, close, letterA + 4, 0.7f);   // e → </think> (beats f)
        addRow(output, embedding, embd, letterA + 23, close, 0.6f);  // </think> → x
        addRow(output, embedding, embd, 2, letterA + 25, 0.7f);      // z → </s> (beats a)
        GgufWriter w = header(shape, GgmlType.F32, "Karuku thinker test model");
        tokenizer(w, tokens, types, new float[vocab]);
        w.putString("tokenizer.chat_template", template);
        for (ModelShape.TensorSpec t : shape.tensors()) {
            GgufWriter.TensorData data = switch (t.name().replaceFirst("^blk\\.\\d+\\.", "")) {
                case "token_embd.weight" -> GgufWriter.TensorData.of(embedding);
                case "output.weight" -> GgufWriter.TensorData.of(output);
                case "attn_output.weight", "ffn_down.weight" -> GgufWriter.TensorData.ZEROS;
                default -> t.isNorm() ? GgufWriter.TensorData.constant(1f) : gaussian(t.name(), 0.02f);
            };
            w.tensor(t.name(), GgmlType.F32, t.shape(), data);
        }
        w.write(out);
        return out;
    }

    /// Adds `weight` × the embedding of token `from` to the output row of token `to`: after `from`, `to` scores
    /// `weight` (random unit rows are nearly orthogonal, so rows add up).
    private static void addRow(float[] output, float[] embedding, int embd, int to, int from, float weight) {
        for (int i = 0; i < embd; i++) output[to * embd + i] += weight * embedding[from * embd + i];
    }

    /// Writes a model of Llama-3.2-1B's shape with random F16 weights (about 2.5 GB, or 2.0 GB tied).
    public static Path llama1bShape(Path out, boolean tiedEmbeddings) throws IOException {
        return write(out, ModelShape.llama1b(tiedEmbeddings), GgmlType.F16);
    }

    /// Writes a model of any shape with random weights streamed to disk; 2-D weights in `type` (F32 or F16), norms
    /// F32. The vocabulary is `<unk>`, `<s>`, `</s>`, `<|im_start|>`, `<|im_end|>`, the 256 byte tokens, then
    /// unique synthetic pieces; the tokenizer is llama's (SentencePiece-style) with the ChatML template.
    public static Path write(Path out, ModelShape shape, GgmlType type) throws IOException {
        return write(out, shape, type, w -> {});
    }

    /// Like [#write(Path, ModelShape, GgmlType)], with `edit` applied to the metadata before the tensors are
    /// added: how tests write files whose metadata llama.cpp must never see (see `LoadCheck`).
    public static Path write(Path out, ModelShape shape, GgmlType type, java.util.function.Consumer<GgufWriter> edit)
            throws IOException {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"));
        List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL, CONTROL, CONTROL));
        addByteTokens(tokens, types);
        for (int k = 0; tokens.size() < shape.vocab(); k++) {
            tokens.add((k % 2 == 0 ? "\u2581" : "") + letters(k / 2 + 1));
            types.add(NORMAL);
        }
        float[] scores = new float[tokens.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = types.get(i) == NORMAL ? -i : 0f;
        GgufWriter w = header(shape, type, "Karuku synthetic " + shape.architecture() + " " + shape.blocks() + "x" + shape.embd());
        tokenizer(w, tokens, types, scores);
        edit.accept(w);
        float scale = (float) (0.02 * Math.sqrt(3)); // uniform with the spread of N(0, 0.02)
        for (ModelShape.TensorSpec t : shape.tensors()) {
            GgufWriter.TensorData data = t.isBias() ? GgufWriter.TensorData.ZEROS
                    : t.isNorm() ? GgufWriter.TensorData.constant(1f) : uniform(t.name(), scale);
            w.tensor(t.name(), t.isNorm() ? GgmlType.F32 : type, t.shape(), data);
        }
        w.write(out);
        return out;
    }

    private static GgufWriter header(ModelShape s, GgmlType type, String name) {
        String a = s.architecture();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", name)
                .putU32("general.file_type", (type == GgmlType.F16 ? FileType.MOSTLY_F16 : FileType.ALL_F32).id())
                .putU32(a + ".context_length", s.contextLength())
                .putU32(a + ".embedding_length", s.embd())
                .putU32(a + ".block_count", s.blocks())
                .putU32(a + ".feed_forward_length", s.ff())
                .putU32(a + ".attention.head_count", s.heads())
                .putU32(a + ".attention.head_count_kv", s.kvHeads())
                .putU32(a + ".rope.dimension_count", s.headDim())
                .putF32(a + ".attention.layer_norm_rms_epsilon", a.equals("llama") ? 1e-5f : 1e-6f)
                .putF32(a + ".rope.freq_base", a.equals("llama") ? 10_000f : 1_000_000f)
                .putU32(a + ".vocab_size", s.vocab());
        if (s.headDim() * s.heads() != s.embd() || s.qkNorm()) {
            w.putU32(a + ".attention.key_length", s.headDim()).putU32(a + ".attention.value_length", s.headDim());
        }
        if (s.slidingWindow() > 0) w.putU32(a + ".attention.sliding_window", s.slidingWindow());
        if (s.experts() > 0) {
            w.putU32(a + ".expert_count", s.experts()).putU32(a + ".expert_used_count", s.expertsUsed())
                    .putU32(a + ".expert_feed_forward_length", s.ff());
        }
        return w;
    }

    private static void tokenizer(GgufWriter w, List<String> tokens, List<Integer> types, float[] scores) {
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putF32s("tokenizer.ggml.scores", scores)
                .putI32s("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray())
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .putBool("tokenizer.ggml.add_bos_token", false)
                // No "▁" before the first word: prompts tokenize to exactly the letters typed.
                .putBool("tokenizer.ggml.add_space_prefix", false)
                .putString("tokenizer.chat_template", CHATML_TEMPLATE);
    }

    private static void addByteTokens(List<String> tokens, List<Integer> types) {
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(BYTE);
        }
    }

    /// Bijective base 26: 1 → a, 26 → z, 27 → aa.
    private static String letters(long n) {
        StringBuilder b = new StringBuilder();
        for (; n > 0; n = (n - 1) / 26) b.append((char) ('a' + (n - 1) % 26));
        return b.reverse().toString();
    }

    private static float[] unitRows(int rows, int cols, SplittableRandom rng) {
        float[] m = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double norm = 0;
            for (int c = 0; c < cols; c++) {
                double v = rng.nextGaussian();
                m[r * cols + c] = (float) v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int c = 0; c < cols; c++) m[r * cols + c] *= inv;
        }
        return m;
    }

    private static SplittableRandom stream(String tensor) {
        return new SplittableRandom(SEED ^ (tensor.hashCode() * 0x9e3779b97f4a7c15L));
    }

    private static GgufWriter.TensorData gaussian(String tensor, float sigma) {
        SplittableRandom rng = stream(tensor);
        return (start, dst, len) -> {
            for (int i = 0; i < len; i++) dst[i] = (float) rng.nextGaussian() * sigma;
        };
    }

    /// Uniform in `[-scale, scale)`, cheap enough to fill gigabytes.
    private static GgufWriter.TensorData uniform(String tensor, float scale) {
        SplittableRandom rng = stream(tensor);
        float unit = scale / (1 << 23);
        return (start, dst, len) -> {
            for (int i = 0; i < len; i++) dst[i] = (rng.nextInt() >> 8) * unit;
        };
    }
}
