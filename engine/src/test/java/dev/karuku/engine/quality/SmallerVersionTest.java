package dev.karuku.engine.quality;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrixRequiredException;
import dev.karuku.engine.llama.LlamaRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Making a smaller version of an F16 file on this PC: named next to its source, quantized in a child process with
/// progress, measured against its source; a cancel stops the child and leaves no file.
class SmallerVersionTest {

    @TempDir
    static Path dir;
    static Path f16;
    static final QualityOptions QUALITY = new QualityOptions(128, 2, 2);

    @BeforeAll
    static void model() throws Exception {
        f16 = TestModels.write(dir.resolve("Tiny-F16.gguf"), new ModelShape("llama", 2, 256, 512, 4, 4, 64, 512, 512, false, 0), GgmlType.F16);
    }

    @Test
    void theNewFileGoesNextToItsSourceWithItsTypeInTheName() throws Exception {
        assertThat(SmallerVersion.outputFor(f16, FileType.MOSTLY_Q4_K_M)).isEqualTo(dir.resolve("Tiny-Q4_K_M.gguf"));
        Path taken = Files.writeString(dir.resolve("Tiny-Q5_K_S.gguf"), "x");
        try {
            assertThat(SmallerVersion.outputFor(f16, FileType.MOSTLY_Q5_K_S)).isEqualTo(dir.resolve("Tiny-Q5_K_S-2.gguf"));
        } finally {
            Files.delete(taken);
        }
        assertThat(SmallerVersion.canShrink("bf16")).isTrue();
        assertThat(SmallerVersion.canShrink("Q4_K_M")).isFalse();
    }

    @Test
    void aSmallerVersionIsMadeAsPredictedAndMeasuredAgainstItsSource() throws Exception {
        Path out = SmallerVersion.outputFor(f16, FileType.MOSTLY_Q4_K_M);
        long predicted = LlamaRuntime.load().planQuantization(f16, FileType.MOSTLY_Q4_K_M, false).predictedBytes();
        List<SmallerVersion.Stage> stages = new ArrayList<>();
        var r = SmallerVersion.make(new SmallerVersion.Request(f16, FileType.MOSTLY_Q4_K_M, out, null, SampleText.text(), QUALITY, 2),
                (stage, fraction) -> { if (stages.isEmpty() || stages.getLast() != stage) stages.add(stage); }, new Cancellation());
        assertThat(stages).containsExactly(SmallerVersion.Stage.QUANTIZING, SmallerVersion.Stage.COMPARING);
        assertThat(Files.size(out)).isEqualTo(predicted).isEqualTo(r.file().outputBytes());
        assertThat(r.quality().kld().mean()).isPositive();
        assertThat(r.quality().tokens()).isEqualTo(2 * 63);
        assertThat(r.withoutImatrix()).isNull();
        Files.delete(out);
    }

    @Test
    void withAMatrixBothKlDivergencesAreReportedAndOnlyTheNewFileStays() throws Exception {
        Path out = SmallerVersion.outputFor(f16, FileType.MOSTLY_IQ3_S);
        var r = SmallerVersion.make(new SmallerVersion.Request(f16, FileType.MOSTLY_IQ3_S, out, SampleText.text(), SampleText.text(), QUALITY, 2),
                (stage, fraction) -> {}, new Cancellation());
        assertThat(r.withoutImatrix()).isNotNull();
        assertThat(r.quality().kld().mean()).isNotEqualTo(r.withoutImatrix().kld().mean());
        System.out.printf("IQ3_S of a random F16 model: KL %.6f with the matrix, %.6f without%n", r.quality().kld().mean(), r.withoutImatrix().kld().mean());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("Tiny-F16.gguf"))).containsExactly("Tiny-IQ3_S.gguf");
        }
        Files.delete(out);
    }

    @Test
    void cancellingStopsTheQuantizingProcessAndLeavesNoFile() throws Exception {
        Path out = SmallerVersion.outputFor(f16, FileType.MOSTLY_Q5_K_S);
        Cancellation cancel = new Cancellation();
        int[] tensorsSeen = {0};
        assertThatThrownBy(() -> QuantizeProcess.run(f16, out, FileType.MOSTLY_Q5_K_S, 1, null, (done, total, tensor) -> {
            tensorsSeen[0] = done;
            if (done == 3) cancel.cancel();
        }, cancel)).isInstanceOf(CancellationException.class);
        // the tiny model's child may write its last tensors before the kill lands (its progress lines arrive in a
        // burst on a quiet machine): what the user sees is that cancel wins and nothing is left behind
        assertThat(tensorsSeen[0]).isGreaterThanOrEqualTo(3);
        assertThat(out).doesNotExist();
        assertThat(out.resolveSibling(out.getFileName() + ".part")).doesNotExist();
    }

    @Test
    void aTypeThatNeedsAMatrixIsRefusedByTheChildWithTheSameException() {
        Path out = dir.resolve("Tiny-IQ2_XXS.gguf");
        assertThatThrownBy(() -> QuantizeProcess.run(f16, out, FileType.MOSTLY_IQ2_XXS, 2, null, (d, t, n) -> {}, new Cancellation()))
                .isInstanceOf(ImportanceMatrixRequiredException.class);
        assertThat(out).doesNotExist();
    }
}
