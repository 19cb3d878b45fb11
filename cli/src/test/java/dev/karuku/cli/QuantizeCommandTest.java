package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.ImportanceMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku quantize` and `karuku imatrix` as a user runs them: the size said before, a type that needs a matrix
/// refused with what to add, a matrix from a text, and --compare reporting the KL divergence with and without it.
class QuantizeCommandTest {

    @TempDir
    static Path dir;
    static Path f16;
    static Path text;

    @BeforeAll
    static void model() throws Exception {
        f16 = TestModels.write(dir.resolve("tiny-F16.gguf"), new ModelShape("llama", 2, 256, 512, 4, 4, 64, 512, 512, false, 0), GgmlType.F16);
        text = Files.writeString(dir.resolve("mine.txt"), "the quick brown fox jumps over the lazy dog. ".repeat(80));
    }

    @Test
    void theSizeIsSaidBeforeAndIsTheSizeWritten() throws Exception {
        Path out = dir.resolve("tiny-Q4_K_M.gguf");
        CliRun.Result r = CliRun.run("quantize", f16.toString(), out.toString(), "-t", "Q4_K_M", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = Pattern.compile("Q4_K_M will be (\\d+\\.\\d\\d) MB").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(m.group(1)).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", Files.size(out) / 1e6));
    }

    @Test
    void aTypeThatNeedsAMatrixIsRefusedWithWhatToAdd() {
        Path out = dir.resolve("tiny-IQ2_XXS.gguf");
        CliRun.Result r = CliRun.run("quantize", f16.toString(), out.toString(), "-t", "IQ2_XXS");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("IQ2_XXS needs an importance matrix: add --imatrix-text FILE");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMatrixFromATextMakesTheSmallestTypesAndIsAFileLlamaCppReads() throws Exception {
        Path matrix = dir.resolve("imatrix.gguf");
        CliRun.Result r = CliRun.run("imatrix", f16.toString(), "--text", text.toString(), "-o", matrix.toString(), "--ctx", "128", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(ImportanceMatrix.read(matrix).entries()).containsKey("blk.1.ffn_down.weight");
        Path out = dir.resolve("tiny-IQ2_XXS-matrix.gguf");
        r = CliRun.run("quantize", f16.toString(), out.toString(), "-t", "IQ2_XXS", "--imatrix", matrix.toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out).exists();
    }

    @Test
    void compareReportsTheKlDivergenceWithAndWithoutTheMatrix() {
        Path out = dir.resolve("tiny-IQ3_S.gguf");
        CliRun.Result r = CliRun.run("quantize", f16.toString(), out.toString(), "-t", "IQ3_S", "--imatrix-text", text.toString(),
                "--compare", "--ctx", "128", "--chunks", "2", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("KL divergence +mean \\d\\.\\d{6} +p99 \\d\\.\\d{6} +\\(with the importance matrix\\)")
                .containsPattern("KL divergence +mean \\d\\.\\d{6} +p99 \\d\\.\\d{6} +\\(without it\\)")
                .contains("scored                126 tokens");
        assertThat(out).exists();
        assertThat(dir.resolve(".tiny-IQ3_S.gguf.without-imatrix")).doesNotExist();
    }
}
