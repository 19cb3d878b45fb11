package dev.karuku.engine.quality;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.QuantizeListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `karuku quality`'s measurement on real llama.cpp: the synthetic successor model (Llama-shaped, random weights)
/// written in F16 as the reference and quantized by llama.cpp to the types users choose between.
class QualityEvaluatorTest {

    @TempDir
    static Path dir;
    static Path f16;
    static final LoadOptions LOAD = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(128).withThreads(2));
    static final QualityOptions OPTIONS = new QualityOptions(128, 6, 2);

    @BeforeAll
    static void models() throws Exception {
        f16 = TestModels.successor(dir.resolve("successor-f16.gguf"), GgmlType.F16);
    }

    static Path quantized(FileType type) {
        Path out = dir.resolve("successor-" + type.label() + ".gguf");
        if (!out.toFile().exists()) LlamaRuntime.load().quantize(f16, out, type, 2, QuantizeListener.NONE);
        return out;
    }

    static QualityReport compare(Path model, Path reference, QualityOptions options, Cancellation cancel) {
        LlamaRuntime llama = LlamaRuntime.load();
        try (Model ref = llama.loadModel(reference, LOAD); Model m = llama.loadModel(model, LOAD)) {
            return QualityEvaluator.evaluate(m, ref, SampleText.text(), options, (d, t) -> {}, cancel);
        }
    }

    @Test
    void aModelComparedWithItselfLosesNothing() {
        QualityReport r = compare(f16, f16, OPTIONS, new Cancellation());
        assertThat(r.kld().mean()).isZero();
        assertThat(r.kld().max()).isZero();
        assertThat(r.top1Agreement()).isEqualTo(1.0);
        assertThat(r.perplexity()).isEqualTo(r.referencePerplexity()).isGreaterThan(1);
    }

    @Test
    void klDivergenceGrowsAsTheTypesGetSmallerAndCountsExactlyTheScoredTokens() {
        List<Double> means = new ArrayList<>();
        for (FileType t : List.of(FileType.MOSTLY_Q8_0, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_IQ3_S)) {
            QualityReport r = compare(quantized(t), f16, OPTIONS, new Cancellation());
            // 6 chunks of 128 tokens, positions 64…126 of each scored: 63 per chunk
            assertThat(r.tokens()).as(t.label()).isEqualTo(6 * 63);
            assertThat(r.chunks()).isEqualTo(6);
            assertThat(r.kld().mean()).as(t.label()).isPositive();
            assertThat(r.kld().p99()).isGreaterThanOrEqualTo(r.kld().median()).isLessThanOrEqualTo(r.kld().max());
            means.add(r.kld().mean());
        }
        assertThat(means).isSortedAccordingTo(Double::compare).doesNotHaveDuplicates();
    }

    /// A hand-built case: with `output.weight` all zeros every logit is 0, every next token has probability 1/V,
    /// and perplexity, exp of the mean of -ln(1/V), is exactly V (512 here), whatever the text.
    @Test
    void aModelThatKnowsNothingHasThePerplexityOfItsVocabulary() throws Exception {
        Path blank = TestModels.write(dir.resolve("blank-f32.gguf"),
                new dev.karuku.engine.gguf.ModelShape("llama", 1, 256, 512, 4, 4, 64, 512, 512, false, 0), GgmlType.F32);
        var g = dev.karuku.engine.gguf.GgufReader.read(blank);
        var out = g.tensor("output.weight").orElseThrow();
        try (var ch = java.nio.channels.FileChannel.open(blank, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate((int) out.bytes()), g.dataOffset() + out.offset());
        }
        QualityReport r = compare(blank, blank, OPTIONS, new Cancellation());
        assertThat(r.perplexity()).isCloseTo(512.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(r.referencePerplexity()).isCloseTo(512.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(r.tokens()).isEqualTo(6 * 63);
    }

    @Test
    void cancellingEndsWithoutAResult() {
        Cancellation cancel = new Cancellation();
        LlamaRuntime llama = LlamaRuntime.load();
        try (Model ref = llama.loadModel(f16, LOAD); Model m = llama.loadModel(f16, LOAD)) {
            int[] chunksSeen = {0};
            assertThatThrownBy(() -> QualityEvaluator.evaluate(m, ref, SampleText.text(), OPTIONS, (d, t) -> {
                chunksSeen[0] = d;
                if (d == 2) cancel.cancel();
            }, cancel)).isInstanceOf(CancellationException.class);
            assertThat(chunksSeen[0]).isEqualTo(2);
        }
    }

    @Test
    void aTextShorterThanOneChunkIsRefusedWithItsLength() {
        LlamaRuntime llama = LlamaRuntime.load();
        try (Model m = llama.loadModel(f16, LOAD)) {
            assertThatThrownBy(() -> QualityEvaluator.evaluate(m, m, "abc", OPTIONS, (d, t) -> {}, new Cancellation()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than one chunk of 128");
        }
    }
}
