package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void jsonReportsEveryPartAndAVerdictWithoutLoadingTheModel() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Run r = run("estimate", model.toString(), "--ctx", "512", "--cpu-only", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        long tensors = GgufReader.read(model).tensorBytes();
        assertThat(j.get("weightsBytes").get("cpu").asLong() + j.get("weightsBytes").get("gpu").asLong()).isEqualTo(tensors);
        // 2 layers × 512 cells × 4 KV heads × 64 dims × (K + V) × 2 bytes
        assertThat(j.get("kvBytes").get("cpu").asLong()).isEqualTo(2L * 512 * 4 * 64 * 2 * 2);
        assertThat(j.get("computeBytes").get("cpu").asLong()).isPositive();
        assertThat(j.get("outputBytes").asLong()).isEqualTo(4L * 285);
        assertThat(j.get("ramBytes").asLong()).isGreaterThan(tensors);
        assertThat(j.get("vramBytes").asLong()).isZero();
        assertThat(j.get("verdict").asText()).isEqualTo("CPU_ONLY");
        assertThat(j.get("maxGpuLayers").asInt()).isZero();
        assertThat(j.get("maxContext").asLong()).isEqualTo(512);
        assertThat(j.get("approximate").asBoolean()).isFalse();
        assertThat(j.has("measured")).isFalse();
    }

    @Test
    void verifyAddsLlamaCppsOwnMeasurementsAndTheErrorOfEachPart() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Run r = run("estimate", model.toString(), "--ctx", "512", "--cpu-only", "--json", "--verify");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("measured").get("kv.cpu").asLong()).isEqualTo(j.get("kvBytes").get("cpu").asLong());
        assertThat(j.get("measured").get("weights.cpu").asLong()).isPositive();
        // a 6 MB toy: the compute formula's half-MiB of slack is a few percent here, and it errs high
        assertThat(j.get("errorPct").get("total.ram").asDouble()).isBetween(-2.0, 10.0);
    }

    @Test
    void humanOutputNamesTheVerdict() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Run r = run("estimate", model.toString(), "--ctx", "256", "--cpu-only");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("KV cache", "verdict: CPU_ONLY");
    }

    @Test
    void badOptionsAndMissingFilesGiveOneLineAndANonZeroExit() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Run bad = run("estimate", model.toString(), "--kv-type", "q3_x", "--cpu-only");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).startsWith("karuku: KV cache type must be").doesNotContain("\n").doesNotContain("Exception");
        Run quantNoFa = run("estimate", model.toString(), "--kv-type", "q8_0", "--flash-attn", "off", "--cpu-only");
        assertThat(quantNoFa.code()).isEqualTo(2);
        assertThat(quantNoFa.err()).contains("needs flash attention");
        Run missing = run("estimate", dir.resolve("nope.gguf").toString(), "--cpu-only");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().lines().count()).isEqualTo(1);
    }
}
