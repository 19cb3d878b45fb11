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

/// `karuku bench` as a user runs it, on the tiny successor model (a speed benchmark proper is benchmarks/run.sh).
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonReportsEveryMeasuredRunAndItsMedians() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("bench", model.toString(), "--prompt-tokens", "16", "--tokens", "8", "--runs", "3",
                "--warmup", "1", "--threads", "1", "--no-bandwidth", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("engine").asText()).isEqualTo("karuku");
        assertThat(j.get("samples")).hasSize(3);
        assertThat(j.get("samples").get(0).get("promptTokens").asInt()).isEqualTo(16);
        assertThat(j.get("generatedTokens").asInt()).isEqualTo(8);
        assertThat(j.get("decodeTokensPerSecond").asDouble()).isPositive();
        assertThat(j.get("promptTokensPerSecond").asDouble()).isPositive();
        assertThat(j.get("timeToFirstTokenMillis").asDouble()).isPositive();
        assertThat(j.get("peakRssBytes").asLong()).isGreaterThan(model.toFile().length());
        assertThat(j.get("threads").asInt()).isEqualTo(1);
        assertThat(j.get("vocab").asInt()).isEqualTo(285);
        assertThat(j.has("bandwidth")).isFalse();
        assertThat(r.err()).contains("warm-up 1:").contains("run 3:");
    }

    @Test
    void streamsMeasuresCompletionsRunningTogether() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("bench", model.toString(), "--tokens", "16", "--runs", "2", "--warmup", "1", "--threads", "1",
                "--streams", "1,3", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("rows")).hasSize(2);
        assertThat(j.get("rows").get(0).get("streams").asInt()).isEqualTo(1);
        assertThat(j.get("rows").get(1).get("streams").asInt()).isEqualTo(3);
        assertThat(j.get("rows").get(1).get("generatedTokens").asInt()).isEqualTo(3 * 15); // after each first token
        assertThat(j.get("rows").get(1).get("tokensPerSecond").asDouble()).isPositive();
        assertThat(j.get("rows").get(0).get("speedup").asDouble()).isEqualTo(1.0);
        assertThat(r.err()).contains("3 streams, run 2:");

        CliRun.Result human = run("bench", model.toString(), "--tokens", "4", "--runs", "1", "--threads", "1", "--streams", "1,2");
        assertThat(human.out()).contains("| streams | tokens/s together").contains("Target: 4 streams at least 2.5x");
    }

    @Test
    void serverStreamsCompletionsOverHttpFromAWorkerProcess() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("bench", model.toString(), "--tokens", "8", "--runs", "1", "--warmup", "1", "--threads", "1",
                "--streams", "1,2", "--server", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("engine").asText()).isEqualTo("karuku serve");
        assertThat(j.get("rows")).hasSize(2);
        // every token after each stream's first, as the server's usage counted them: the successor model never stops early
        assertThat(j.get("rows").get(1).get("generatedTokens").asInt()).isEqualTo(2 * 7);
        assertThat(j.get("rows").get(1).get("promptTokens").asInt()).isPositive();
        assertThat(j.get("rows").get(1).get("tokensPerSecond").asDouble()).isPositive();
        assertThat(j.get("rows").get(1).get("samples")).hasSize(1);
        assertThat(r.err()).contains("karuku serve, 2 streams, run 1:").doesNotContain("stopped early");

        CliRun.Result alone = run("bench", model.toString(), "--server");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--streams");
    }

    @Test
    void humanOutputNamesTheBoundWhenBandwidthIsMeasured() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("bench", model.toString(), "--prompt-tokens", "8", "--tokens", "4", "--runs", "1", "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("prompt processing").contains("generation").contains("time to first token")
                .contains("load time").contains("peak memory").contains("bandwidth bound").contains("% reached");
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws Exception {
        CliRun.Result missing = run("bench", dir.resolve("nope.gguf").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("karuku: no such file").doesNotContain("\n");

        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result zeroRuns = run("bench", model.toString(), "--runs", "0");
        assertThat(zeroRuns.code()).isEqualTo(2);
        assertThat(zeroRuns.err().strip()).isEqualTo("karuku: --runs must be at least 1: 0");

        Path notGguf = Files.writeString(dir.resolve("notes.gguf"), "hello, not a model");
        CliRun.Result garbage = run("bench", notGguf.toString());
        assertThat(garbage.code()).isNotZero();
        assertThat(garbage.err().strip()).startsWith("karuku: ").doesNotContain("\n");
    }
}
