package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BenchSuiteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsAnEnginesRoundsInOrderAndSkipsOneThatFailed(@TempDir Path dir) throws Exception {
        write(dir.resolve("de.kherud-llama.round2.json"), result(BenchReport.KHERUD, 2.0));
        write(dir.resolve("de.kherud-llama.round10.json"), result(BenchReport.KHERUD, 10.0));
        write(dir.resolve("de.kherud-llama.round1.json"), result(BenchReport.KHERUD, 1.0));
        Files.writeString(dir.resolve("de.kherud-llama.round3.json"), ""); // timed out: run.sh leaves it empty
        write(dir.resolve("karuku.round1.json"), result(BenchReport.KARUKU, 5.0)); // another engine's
        assertThat(BenchSuite.rounds(dir, "de.kherud-llama")).extracting(EngineResult::loadSeconds).containsExactly(1.0, 2.0, 10.0);
        assertThat(BenchSuite.rounds(dir, "node-llama-cpp")).isEmpty();
    }

    @Test
    void aResultFromBeforeRoundsIsOneRound(@TempDir Path dir) throws Exception {
        write(dir.resolve("karuku.json"), result(BenchReport.KARUKU, 0.4));
        assertThat(BenchSuite.rounds(dir, "karuku")).extracting(EngineResult::loadSeconds).containsExactly(0.4);
    }

    private static EngineResult result(String engine, double loadSeconds) {
        return new EngineResult(engine, "1", "test", 2, 512, 512, 0, loadSeconds, 1L << 30,
                List.of(new RunSample(256, 2.0, 129, 4.0)));
    }

    private static void write(Path file, EngineResult r) throws Exception {
        Files.writeString(file, JSON.writeValueAsString(r.toJson(JSON)));
    }
}
