package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The busy-CPU table: each engine against its own idle figure, Karuku against node-llama-cpp under the same load,
/// and issue 16's targets.
class BusyReportTest {

    @TempDir
    Path dir;

    static EngineResult engine(String name, double decode) {
        RunSample s = new RunSample(256, 2.0, 129, 128 / decode);
        return new EngineResult(name, "1", "test", 2, 512, 512, 0, 1.0, 1L << 30, List.of(s, s, s));
    }

    static BusyReport report() {
        return new BusyReport("Q4_K_M", List.of(
                new BusyReport.Case(0, 0.4, List.of(engine(BusyReport.KARUKU, 30), engine(BusyReport.KARUKU_FIXED, 30.5),
                        engine(BusyReport.NODE, 25))),
                new BusyReport.Case(1, 1.4, List.of(engine(BusyReport.KARUKU, 16), engine(BusyReport.KARUKU_FIXED, 10),
                        engine(BusyReport.NODE, 7))),
                new BusyReport.Case(2, 2.4, List.of(engine(BusyReport.KARUKU, 9), engine(BusyReport.KARUKU_FIXED, 5),
                        engine(BusyReport.NODE, 6.5)))));
    }

    @Test
    void targetsCompareWithIdleAndWithNodeUnderTheSameLoad() {
        List<TargetCheck> t = report().targets();
        assertThat(t).extracting(TargetCheck::model).containsExactly("Q4_K_M, idle", "Q4_K_M, 1 core busy",
                "Q4_K_M, 1 core busy", "Q4_K_M, 2 cores busy", "Q4_K_M, 2 cores busy");
        assertThat(t.get(0).measured()).isEqualTo(30 / 30.5); // within 3% of every token on all threads: met
        assertThat(t.get(1).measured()).isEqualTo(16.0 / 30);
        assertThat(t.get(2).measured()).isEqualTo(16.0 / 7);
        assertThat(t.get(3).measured()).isEqualTo(9.0 / 30);
        assertThat(t.get(4).measured()).isEqualTo(9 / 6.5);
        assertThat(t).extracting(TargetCheck::verdict).containsExactly("met", "met", "met", "NOT met", "NOT met");
    }

    @Test
    void tableShowsEachEngineAgainstItsOwnIdleFigure() {
        String md = report().markdown();
        assertThat(md).contains("| 1 core busy | karuku --fixed-threads | 10.00 | 33% | 1.60× | 10.0–10.0 | 1.40 |")
                .contains("| 2 cores busy | node-llama-cpp | 6.50 | 26% | 1.38× |")
                .contains("| Q4_K_M, 2 cores busy | generation ≥ 33% of idle | 0.30× | NOT met |");
    }

    @Test
    void theSuiteReadsWhatRunShWroteAndAppendsItToTheReport() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (int cores = 0; cores <= 1; cores++) {
            Path c = Files.createDirectories(dir.resolve("busy").resolve(String.valueOf(cores)));
            Files.writeString(c.resolve("model"), "/models/llama-1b-shape-Q4_K_M.gguf\n");
            Files.writeString(c.resolve("cores"), cores + "\n");
            Files.writeString(c.resolve("loadavg"), "0.50 0.40 0.30\n");
            for (int round = 1; round <= 2; round++) {
                Files.writeString(c.resolve("karuku.round" + round + ".json"), json.writeValueAsString(engine("karuku", 20 - 5 * cores).toJson(json)));
                Files.writeString(c.resolve("karuku-fixed.round" + round + ".json"), json.writeValueAsString(engine("karuku", 20 - 10 * cores).toJson(json)));
            }
            Files.writeString(c.resolve("node-llama-cpp.round1.json"), ""); // a peer that failed
        }
        BusyReport r = BenchSuite.readBusy(dir.resolve("busy")).orElseThrow();
        assertThat(r.model()).isEqualTo("Q4_K_M");
        assertThat(r.cases()).extracting(BusyReport.Case::busyCores).containsExactly(0, 1);
        assertThat(r.cases().get(1).engines()).extracting(EngineResult::engine).containsExactly(BusyReport.KARUKU, BusyReport.KARUKU_FIXED);
        assertThat(r.cases().get(1).engine(BusyReport.KARUKU_FIXED).orElseThrow().samples()).hasSize(6);
        assertThat(r.targets()).filteredOn(t -> t.target().contains("node")).extracting(TargetCheck::verdict).containsOnly("not measured");
        assertThat(BenchSuite.readBusy(dir.resolve("nothing"))).isEmpty();
    }
}
