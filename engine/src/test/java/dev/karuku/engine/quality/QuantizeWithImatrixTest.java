package dev.karuku.engine.quality;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TensorInfo;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrix;
import dev.karuku.engine.llama.ImportanceMatrixRequiredException;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.QuantizeListener;
import dev.karuku.engine.llama.QuantizePlan;
import dev.karuku.engine.settings.LoadSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Quantizing with an importance matrix on real llama.cpp: a Llama-shaped model with random weights whose token
/// embeddings have a few dimensions far larger than the rest (as real models have), so a few input columns of every
/// weight matrix meet large activations.
class QuantizeWithImatrixTest {

    @TempDir
    static Path dir;
    static Path f32;
    static ImportanceMatrix imatrix;
    static final int CTX = 128;
    static final LoadOptions LOAD = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(CTX).withThreads(2));
    /// Dimensions of the embedding made 30 times larger than the others.
    static final int[] LOUD = {3, 70, 141, 200};

    @BeforeAll
    static void model() throws Exception {
        f32 = TestModels.write(dir.resolve("uneven-f32.gguf"), new ModelShape("llama", 2, 256, 512, 4, 4, 64, 512, 512, false, 0), GgmlType.F32);
        scaleEmbeddingDimensions(f32, LOUD, 30f);
        try (Model m = LlamaRuntime.load().loadModel(f32, LOAD)) {
            imatrix = ImportanceMatrix.compute(m, SampleText.text(), "sample", CTX, 4, 2, (d, t) -> {}, new Cancellation());
        }
    }

    /// Multiplies dimensions `dims` of every row of `token_embd.weight` (F32) by `factor`, in place.
    static void scaleEmbeddingDimensions(Path file, int[] dims, float factor) throws Exception {
        GgufFile g = GgufReader.read(file);
        TensorInfo t = g.tensor("token_embd.weight").orElseThrow();
        long embd = t.ne(0);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (long row = 0; row < t.ne(1); row++) {
                for (int d : dims) {
                    long pos = g.dataOffset() + t.offset() + (row * embd + d) * 4;
                    b.clear();
                    ch.read(b, pos);
                    float v = b.getFloat(0) * factor;
                    b.clear();
                    b.putFloat(0, v);
                    ch.write(b, pos);
                }
            }
        }
    }

    static double kld(Path model) {
        LlamaRuntime llama = LlamaRuntime.load();
        try (Model ref = llama.loadModel(f32, LOAD); Model m = llama.loadModel(model, LOAD)) {
            return QualityEvaluator.evaluate(m, ref, SampleText.text(), new QualityOptions(CTX, 4, 2), (d, t) -> {}, new Cancellation()).kld().mean();
        }
    }

    @Test
    void theMatrixSeesTheLoudDimensionsInEveryBlockMatrix() {
        float[] q = imatrix.entries().get("blk.0.attn_q.weight").means();
        assertThat(q).hasSize(256);
        double loud = Arrays.stream(LOUD).mapToDouble(i -> q[i]).average().orElseThrow();
        double quiet = 0;
        for (int i = 0; i < 256; i++) {
            int d = i;
            if (Arrays.stream(LOUD).noneMatch(l -> l == d)) quiet += q[i] / (256 - LOUD.length);
        }
        assertThat(loud).isGreaterThan(10 * quiet);
        assertThat(imatrix.entries().keySet()).contains("blk.0.attn_k.weight", "blk.1.ffn_down.weight", "blk.1.ffn_up.weight")
                .allMatch(n -> n.startsWith("blk."));
        assertThat(imatrix.entries().get("blk.0.attn_q.weight").counts()).containsExactly(4f * CTX); // every token of 4 chunks
    }

    @Test
    void itSurvivesLlamaCppsFileFormat() throws Exception {
        Path file = dir.resolve("imatrix.gguf");
        imatrix.write(file);
        ImportanceMatrix back = ImportanceMatrix.read(file);
        assertThat(back.entries().keySet()).isEqualTo(imatrix.entries().keySet());
        assertThat(back.entries().get("blk.1.ffn_down.weight").sums()).containsExactly(imatrix.entries().get("blk.1.ffn_down.weight").sums());
        assertThat(back.chunkCount()).isEqualTo(4);
        assertThat(back.chunkSize()).isEqualTo(CTX);
    }

    @Test
    void theMatrixChangesTheQuantizedWeightsAndLowersTheKlDivergenceOfIq3S() throws Exception {
        LlamaRuntime llama = LlamaRuntime.load();
        Path plain = llama.quantize(f32, dir.resolve("plain-IQ3_S.gguf"), FileType.MOSTLY_IQ3_S, 2, QuantizeListener.NONE).output();
        Path weighted = llama.quantize(f32, dir.resolve("imatrix-IQ3_S.gguf"), FileType.MOSTLY_IQ3_S, 2, imatrix, QuantizeListener.NONE).output();
        assertThat(Files.size(weighted)).isEqualTo(Files.size(plain));
        assertThat(tensorBytes(weighted, "blk.0.attn_q.weight")).isNotEqualTo(tensorBytes(plain, "blk.0.attn_q.weight"));
        assertThat(tensorBytes(weighted, "output.weight")).isEqualTo(tensorBytes(plain, "output.weight")); // not collected
        double without = kld(plain);
        double with = kld(weighted);
        System.out.printf("IQ3_S KL divergence: %.6f without an importance matrix, %.6f with%n", without, with);
        assertThat(with).isLessThan(without);
    }

    @Test
    void theSmallestTypesAreRefusedWithoutAMatrixAndMadeWithOne() throws Exception {
        LlamaRuntime llama = LlamaRuntime.load();
        QuantizePlan plan = llama.planQuantization(f32, FileType.MOSTLY_IQ2_XXS, false);
        assertThat(plan.needsImatrix()).isTrue();
        Path out = dir.resolve("uneven-IQ2_XXS.gguf");
        assertThatThrownBy(() -> llama.quantize(f32, out, FileType.MOSTLY_IQ2_XXS, 2, QuantizeListener.NONE))
                .isInstanceOf(ImportanceMatrixRequiredException.class).hasMessageContaining("IQ2_XXS needs an importance matrix");
        assertThat(out).doesNotExist();
        assertThat(out.resolveSibling(out.getFileName() + ".part")).doesNotExist();
        assertThat(llama.planQuantization(f32, FileType.MOSTLY_IQ2_XXS, true).needsImatrix()).isFalse();
        llama.quantize(f32, out, FileType.MOSTLY_IQ2_XXS, 2, imatrix, QuantizeListener.NONE);
        assertThat(Files.size(out)).isEqualTo(llama.planQuantization(f32, FileType.MOSTLY_IQ2_XXS, true).predictedBytes());
    }

    @Test
    void thePredictedSizeIsTheSizeWritten() throws Exception {
        LlamaRuntime llama = LlamaRuntime.load();
        for (FileType t : List.of(FileType.MOSTLY_Q8_0, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_IQ3_S, FileType.MOSTLY_Q2_K)) {
            QuantizePlan plan = llama.planQuantization(f32, t, false);
            Path out = llama.quantize(f32, dir.resolve("size-" + t.label() + ".gguf"), t, 2, QuantizeListener.NONE).output();
            GgufFile written = GgufReader.read(out);
            for (TensorInfo ti : written.tensors()) assertThat(plan.tensorTypes().get(ti.name())).as(t + " " + ti.name()).isEqualTo(ti.type());
            assertThat(plan.predictedBytes()).as(t.label()).isEqualTo(Files.size(out));
        }
    }

    static byte[] tensorBytes(Path file, String name) throws Exception {
        GgufFile g = GgufReader.read(file);
        TensorInfo t = g.tensor(name).orElseThrow();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) t.bytes());
            ch.read(b, g.dataOffset() + t.offset());
            return b.array();
        }
    }
}
