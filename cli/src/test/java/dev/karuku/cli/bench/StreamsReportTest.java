package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/// The batched case side by side: karuku serve, the completer in process, node-llama-cpp and llama.cpp's own step,
/// rounds merged, and issue 18's targets.
class StreamsReportTest {

    @TempDir
    Path dir;

    /// An engine whose 1, 2, 4, 8 streams make `together[i]` tokens/s together in each of two runs.
    static BatchedBench engine(String name, double... together) {
        int[] counts = {1, 2, 4, 8};
        List<BatchedBench.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < together.length; i++) {
            rows.add(new BatchedBench.Row(counts[i], 30, together[i], 500, counts[i] * 63, List.of(together[i], together[i])));
        }
        return new BatchedBench(name, "llama-1b-shape-Q4_K_M.gguf", 2, 64, 2, rows);
    }

    static StreamsReport report() {
        return new StreamsReport("Q4_K_M", List.of(engine(StreamsReport.SERVE, 20, 26, 30, 28),
                engine(StreamsReport.IN_PROCESS, 20.5, 26, 31, 29), engine(StreamsReport.NODE, 18, 22, 25, 24),
                engine(StreamsReport.C_STEP, 22, 28, 33, 31)),
                Optional.of(BusyReportTest.engine("karuku", 20.9)), List.of(0.5, 0.7, 0.6));
    }

    @Test
    void targetsAreTheServersOwnSpeedupItsOverheadAndNodeWithFourSequences() {
        List<TargetCheck> t = report().targets();
        assertThat(t.get(0).measured()).isEqualTo(30.0 / 20);                 // 4 streams over 1: 1.5×, not 2.5×
        assertThat(t.get(1).measured()).isEqualTo(20.0 / 20.9);               // 4.5% more per token than karuku bench
        assertThat(t.get(2).measured()).isEqualTo(20.0 / 20.5);
        assertThat(t.get(3).measured()).isEqualTo(30.0 / 25);
        assertThat(t).extracting(TargetCheck::verdict).containsExactly("NOT met", "met", "met", "met");
        assertThat(new StreamsReport("Q4_K_M", List.of(engine(StreamsReport.SERVE, 20, 26, 30, 28)),
                Optional.of(BusyReportTest.engine("karuku", 22)), List.of()).targets().get(1).verdict()).isEqualTo("NOT met");
    }

    @Test
    void tableHasAColumnPerEngineAndNamesTheCeiling() {
        String md = report().markdown();
        assertThat(md).contains("| streams | karuku serve | karuku | node-llama-cpp | llama.cpp C, batched step |")
                .contains("| 4 | 30.00 tok/s (1.50×; 30.0–30.0) | 31.00 tok/s (1.51×; 31.0–31.0) | 25.00 tok/s (1.39×; 25.0–25.0) |")
                .contains("costs +4.5% per token against it, +2.5% against the batched completer")
                .contains("load average before each engine's run: 0.50–0.70 (median 0.60)")
                .contains("4 streams 1.50× one stream here (33.00 against 22.00 tok/s)")
                .contains("| Q4_K_M | karuku serve, 4 streams ahead of node-llama-cpp's context with 4 sequences | 1.20× | met |");
    }

    @Test
    void roundsMergeIntoOneRowPerCountWithEveryRunsSample() {
        BatchedBench a = engine(StreamsReport.SERVE, 10, 12);
        BatchedBench b = engine(StreamsReport.SERVE, 20, 24);
        BatchedBench m = StreamsReport.merge(List.of(a, b, engine(StreamsReport.SERVE, 30, 36)));
        assertThat(m.runs()).isEqualTo(6);
        assertThat(m.rows()).extracting(BatchedBench.Row::streams).containsExactly(1, 2);
        assertThat(m.rows().get(1).samples()).containsExactly(12.0, 12.0, 24.0, 24.0, 36.0, 36.0);
        assertThat(m.rows().get(1).tokensPerSecond()).isEqualTo(24.0);
    }

    @Test
    void theSuiteReadsWhatRunShWrote() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path s = Files.createDirectories(dir.resolve("streams"));
        Files.writeString(s.resolve("gguf"), "/models/llama-1b-shape-Q4_K_M.gguf\n");
        Files.writeString(s.resolve("loadavg"), "1.50\n0.90\n");
        for (int round = 1; round <= 2; round++) {
            Files.writeString(s.resolve("karuku-serve.round" + round + ".json"),
                    json.writeValueAsString(engine(StreamsReport.SERVE, 10 * round, 14 * round).toJson(json)));
            Files.writeString(s.resolve("karuku.round" + round + ".json"), json.writeValueAsString(BusyReportTest.engine("karuku", 11).toJson(json)));
        }
        Files.writeString(s.resolve("node-llama-cpp.round1.json"), ""); // a peer that failed
        // llama.cpp's C step writes only what it has: no time to first token
        Files.writeString(s.resolve("llama-cpp-c.round1.json"), "{\"engine\":\"llama.cpp C, batched step\",\"model\":\"m\","
                + "\"threads\":2,\"tokens\":64,\"runs\":2,\"rows\":[{\"streams\":1,\"promptTokens\":32,\"generatedTokens\":64,"
                + "\"samples\":[20.0,22.0],\"msPerStep\":47.6,\"tokensPerSecond\":21.0}]}");
        StreamsReport r = BenchSuite.readStreams(s).orElseThrow();
        assertThat(r.model()).isEqualTo("Q4_K_M");
        assertThat(r.engines()).extracting(BatchedBench::engine).containsExactly(StreamsReport.SERVE, StreamsReport.C_STEP);
        assertThat(r.engine(StreamsReport.SERVE).orElseThrow().rows().getFirst().samples()).hasSize(4);
        assertThat(r.tokensPerSecond(StreamsReport.C_STEP, 1)).isEqualTo(21.0);
        assertThat(r.plain().orElseThrow().samples()).hasSize(6);
        assertThat(r.loadAverages()).containsExactly(1.5, 0.9);
        assertThat(r.targets().get(3).verdict()).isEqualTo("not measured");
        assertThat(BenchSuite.readStreams(dir.resolve("nothing"))).isEmpty();
    }
}
