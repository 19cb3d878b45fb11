package dev.karuku.cli;

import static dev.karuku.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku info` and `karuku make-test-model` as a user runs them: output, exit codes, one-line errors.
class InfoCommandTest {

    @TempDir
    Path dir;

    @Test
    void infoJsonDescribesTheSuccessorModelExactly() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("info", model.toString(), "--json");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("architecture").asText()).isEqualTo("llama");
        assertThat(j.get("fileType").asText()).isEqualTo("F32");
        assertThat(j.get("blockCount").asLong()).isEqualTo(2);
        assertThat(j.get("contextLength").asLong()).isEqualTo(512);
        assertThat(j.get("embeddingLength").asLong()).isEqualTo(256);
        assertThat(j.get("headCount").asLong()).isEqualTo(4);
        assertThat(j.get("headCountKv").asLong()).isEqualTo(4);
        assertThat(j.get("vocabSize").asLong()).isEqualTo(285);
        assertThat(j.get("tensorCount").asInt()).isEqualTo(21);
        // token_embd + output (256×285 each), 2 blocks of 4×256² + 3×256·512 + 2×256 norms, output_norm 256.
        long params = 2L * 256 * 285 + 2 * (4L * 256 * 256 + 3L * 256 * 512 + 2 * 256) + 256;
        assertThat(j.get("parameters").asLong()).isEqualTo(params);
        assertThat(j.get("tensorBytes").asLong()).isEqualTo(params * 4);
        assertThat(j.get("version").asInt()).isEqualTo(3);
        assertThat(j.get("metadataCount").asInt()).isEqualTo(22);
        assertThat(j.get("fileSize").asLong()).isEqualTo(Files.size(model));
    }

    @Test
    void infoPrintsAReadableSummary() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"), dev.karuku.engine.gguf.GgmlType.F16);
        CliRun.Result r = run("info", model.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("architecture  llama").contains("file type     F16").contains("blocks        2")
                .contains("heads         4 (4 KV)").contains("tensors       21");
    }

    @Test
    void aFileThatIsNotGgufGetsOneLineAndNoStackTrace() throws Exception {
        Path bogus = dir.resolve("photo.gguf");
        Files.write(bogus, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0, 0, 0, 0, 0, 0, 0});
        CliRun.Result r = run("info", bogus.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).containsExactly("karuku: not a GGUF file (bad magic 0xffd8ffe0; a GGUF file starts with"
                + " the bytes \"GGUF\", 0x47475546): " + bogus);
    }

    @Test
    void aTruncatedDownloadAndAMissingFileAreNamed() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(model), 100_000));
        CliRun.Result r = run("info", cut.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString().startsWith("karuku: tensor '")
                .contains("the download may be incomplete").endsWith(cut.toString());

        CliRun.Result missing = run("info", dir.resolve("nope.gguf").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().lines()).containsExactly("karuku: no such file: " + dir.resolve("nope.gguf"));
    }

    @Test
    void makeTestModelWritesALoadableModelAndNeverOverwritesSilently() throws Exception {
        Path out = dir.resolve("m.gguf");
        CliRun.Result r = run("make-test-model", out.toString(), "--type", "f16");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("wrote " + out);
        assertThat(run("info", out.toString(), "--json").out()).contains("\"fileType\" : \"F16\"");

        byte[] before = Files.readAllBytes(out);
        CliRun.Result again = run("make-test-model", out.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err().lines()).containsExactly("karuku: " + out + " already exists (add --force to overwrite it)");
        assertThat(Files.readAllBytes(out)).isEqualTo(before);

        CliRun.Result badShape = run("make-test-model", dir.resolve("x.gguf").toString(), "--shape", "llama-70b");
        assertThat(badShape.code()).isEqualTo(2);
        assertThat(badShape.err()).startsWith("karuku: unknown shape 'llama-70b'");
    }
}
