package dev.karuku.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The synthetic models are what the recipes say, byte for byte reproducible.
class TestModelsTest {

    @TempDir
    Path dir;

    @Test
    void successorModelHasTheRecipesVocabularyAndHyperparameters() throws Exception {
        GgufFile f = GgufReader.read(TestModels.successor(dir.resolve("s.gguf")));
        GgufMetadata m = f.metadata();
        assertThat(m.architecture()).contains("llama");
        assertThat(m.integer("general.file_type")).hasValue(0);
        assertThat(m.integer("llama.context_length")).hasValue(512);
        assertThat(m.integer("llama.embedding_length")).hasValue(256);
        assertThat(m.integer("llama.feed_forward_length")).hasValue(512);
        assertThat(m.integer("llama.block_count")).hasValue(2);
        assertThat(m.integer("llama.attention.head_count")).hasValue(4);
        assertThat(m.integer("llama.attention.head_count_kv")).hasValue(4);
        assertThat(m.integer("llama.rope.dimension_count")).hasValue(64);
        assertThat(m.integer("llama.vocab_size")).hasValue(285);
        assertThat(m.real("llama.attention.layer_norm_rms_epsilon").getAsDouble()).isEqualTo(1e-5f);
        assertThat(m.string("tokenizer.ggml.model")).contains("llama");
        assertThat(m.integer("tokenizer.ggml.bos_token_id")).hasValue(1);
        assertThat(m.integer("tokenizer.ggml.eos_token_id")).hasValue(2);
        assertThat(m.bool("tokenizer.ggml.add_bos_token")).contains(false);
        assertThat(m.bool("tokenizer.ggml.add_space_prefix")).contains(false);
        assertThat(m.string("tokenizer.chat_template")).hasValueSatisfying(t -> assertThat(t).contains("<|im_start|>"));

        List<String> tokens = m.array("tokenizer.ggml.tokens").stream().map(v -> ((GgufValue.Str) v).value()).toList();
        assertThat(tokens).hasSize(285).startsWith("<unk>", "<s>", "</s>", "<0x00>").contains("<0xFF>")
                .endsWith("x", "y", "z");
        assertThat(tokens.get(TestModels.SUCCESSOR_FIRST_LETTER)).isEqualTo("a");
        long[] types = m.integers("tokenizer.ggml.token_type");
        assertThat(types[0]).isEqualTo(2);
        assertThat(types[1]).isEqualTo(3);
        assertThat(types[2]).isEqualTo(3);
        assertThat(types[3]).isEqualTo(6);
        assertThat(types[258]).isEqualTo(6);
        assertThat(types[259]).isEqualTo(1);
        assertThat(m.array("tokenizer.ggml.scores")).hasSize(285).allMatch(v -> ((GgufValue.Real) v).value() == 0);

        assertThat(f.tensors()).hasSize(21);
        assertThat(f.tensor("output.weight").orElseThrow().shape()).containsExactly(256, 285);
        assertThat(f.tensor("blk.1.ffn_down.weight").orElseThrow().shape()).containsExactly(512, 256);
    }

    @Test
    void successorOutputLayerMapsEachLetterToTheNext() throws Exception {
        Path file = TestModels.successor(dir.resolve("s.gguf"));
        GgufFile f = GgufReader.read(file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] emb = matrix(b, f, "token_embd.weight");
        float[][] out = matrix(b, f, "output.weight");
        assertThat(dot(emb[7], emb[7])).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(List.of(matrix(b, f, "blk.0.attn_output.weight"))).allSatisfy(r -> assertThat(r).containsOnly(0f));
        assertThat(List.of(matrix(b, f, "blk.1.ffn_down.weight"))).allSatisfy(r -> assertThat(r).containsOnly(0f));
        assertThat(matrix(b, f, "output_norm.weight")[0]).containsOnly(1f);
        // Blocks pass the embedding through; the norm only scales it: the argmax of out·emb(x) is the next token.
        for (int letter = 0; letter < 26; letter++) {
            int id = TestModels.SUCCESSOR_FIRST_LETTER + letter;
            int best = 0;
            for (int t = 1; t < out.length; t++) if (dot(out[t], emb[id]) > dot(out[best], emb[id])) best = t;
            assertThat(best).as("after letter %c", (char) ('a' + letter))
                    .isEqualTo(TestModels.SUCCESSOR_FIRST_LETTER + (letter + 1) % 26);
        }
    }

    @Test
    void modelsAreReproducibleByteForByte() throws Exception {
        Path a = TestModels.successor(dir.resolve("a.gguf"), GgmlType.F16);
        Path b = TestModels.successor(dir.resolve("b.gguf"), GgmlType.F16);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(GgufReader.read(a).fileTypeLabel()).isEqualTo("F16");
        assertThat(GgufReader.read(a).tensor("blk.0.attn_norm.weight").orElseThrow().type()).isEqualTo(GgmlType.F32);
    }

    @Test
    void llama1bShapeHasLlama32OneBsTensorsAndParameterCount() {
        ModelShape tied = ModelShape.llama1b(true);
        assertThat(tied.tensors()).hasSize(1 + 16 * 9 + 1);
        assertThat(tied.parameterCount()).isEqualTo(1_235_814_400L); // Llama-3.2-1B's published count
        List<ModelShape.TensorSpec> untied = ModelShape.llama1b(false).tensors();
        assertThat(untied).hasSize(147);
        assertThat(untied.stream().filter(t -> t.name().equals("blk.15.attn_k.weight")).findFirst().orElseThrow().shape())
                .containsExactly(2048, 512);
        assertThat(untied.getLast().name()).isEqualTo("output.weight");
    }

    @Test
    void anyShapeIsWrittenAsDeclaredWithItsSlidingWindowAndTiedEmbeddings() throws Exception {
        ModelShape shape = new ModelShape("gemma3", 2, 256, 512, 4, 1, 128, 400, 2048, true, 64);
        GgufFile f = GgufReader.read(TestModels.write(dir.resolve("g.gguf"), shape, GgmlType.F16));
        assertThat(f.metadata().integer("gemma3.attention.sliding_window")).hasValue(64);
        assertThat(f.metadata().integer("gemma3.attention.key_length")).hasValue(128);
        assertThat(f.metadata().array("tokenizer.ggml.tokens")).hasSize(400)
                .doesNotHaveDuplicates();
        assertThat(f.tensors()).extracting(TensorInfo::name)
                .containsExactlyElementsOf(shape.tensors().stream().map(ModelShape.TensorSpec::name).toList())
                .doesNotContain("output.weight").contains("blk.1.attn_q_norm.weight", "blk.0.post_ffw_norm.weight");
        assertThat(f.tensor("blk.0.attn_q.weight").orElseThrow().shape()).containsExactly(256, 512);
        long params = f.tensors().stream().mapToLong(TensorInfo::elements).sum();
        assertThat(params).isEqualTo(shape.parameterCount());
    }

    @Test
    void qwen2CarriesItsProjectionBiasesAndQwen3ItsQkNormsAndKeyLength() throws Exception {
        ModelShape qwen2 = new ModelShape("qwen2", 2, 256, 512, 4, 2, 64, 400, 2048, true, 0);
        GgufFile f2 = GgufReader.read(TestModels.write(dir.resolve("q2.gguf"), qwen2, GgmlType.F16));
        assertThat(f2.tensor("blk.1.attn_q.bias").orElseThrow().shape()).containsExactly(256);
        assertThat(f2.tensor("blk.1.attn_k.bias").orElseThrow().shape()).containsExactly(128);
        assertThat(f2.tensor("blk.1.attn_v.bias").orElseThrow().type()).isEqualTo(GgmlType.F32);
        assertThat(f2.tensor("blk.0.attn_q_norm.weight")).isEmpty();
        assertThat(f2.metadata().integer("qwen2.attention.key_length")).isEmpty();

        ModelShape qwen3 = new ModelShape("qwen3", 2, 256, 512, 4, 2, 128, 400, 2048, true, 0);
        GgufFile f3 = GgufReader.read(TestModels.write(dir.resolve("q3.gguf"), qwen3, GgmlType.F16));
        assertThat(f3.metadata().integer("qwen3.attention.key_length")).hasValue(128);
        assertThat(f3.tensor("blk.0.attn_q.weight").orElseThrow().shape()).containsExactly(256, 512);
        assertThat(f3.tensor("blk.0.attn_k_norm.weight").orElseThrow().shape()).containsExactly(128);
        assertThat(f3.tensors()).extracting(TensorInfo::name).noneMatch(n -> n.endsWith(".bias") || n.contains("post_"));
        assertThat(f3.tensors().stream().mapToLong(TensorInfo::elements).sum()).isEqualTo(qwen3.parameterCount());
    }

    private static float[][] matrix(ByteBuffer b, GgufFile f, String name) {
        TensorInfo t = f.tensor(name).orElseThrow();
        int cols = (int) t.ne(0);
        int rows = (int) t.ne(1);
        float[][] m = new float[rows][cols];
        long base = f.dataOffset() + t.offset();
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[r][c] = b.getFloat((int) (base + 4L * (r * cols + c)));
        return m;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
