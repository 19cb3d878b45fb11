package dev.karuku.cli.bench;

import dev.karuku.engine.hardware.MemoryBandwidth;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.gguf.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchReportTest {

    private static final Machine QUIET = new Machine("Test CPU", 2, 24L << 30, "Linux 6", 0.1);

    @Test
    void targetsSayMetOrNotMetWithTheRatios() {
        ModelRun m = new ModelRun("Q4_K_M", 800L << 20, new BandwidthBound(800_000_000, 0, 40), List.of(
                engine("karuku", 30, 100), engine(BenchReport.NODE, 25, 90), engine(BenchReport.KHERUD, 20, 110)));
        List<TargetCheck> t = report(QUIET, m).targets();
        assertThat(t).extracting(TargetCheck::verdict).containsExactly("NOT met", "met", "NOT met", "NOT met");
        assertThat(t.get(0).measured()).isEqualTo(30.0 / 25); // 1.2× node-llama-cpp, 1.3× asked
        assertThat(t.get(2).measured()).isEqualTo(30.0 / 50); // bound: 40 GB/s ÷ 0.8 GB = 50 tok/s
        assertThat(t.get(3).measured()).isEqualTo(100.0 / 110);
    }

    @Test
    void aMissingPeerIsReportedAsNotMeasuredNotAsMet() {
        ModelRun m = new ModelRun("IQ3_S", 600L << 20, new BandwidthBound(600_000_000, 0, 40), List.of(engine("karuku", 60, 100)));
        BenchReport r = report(QUIET, m);
        assertThat(r.targets()).extracting(TargetCheck::verdict).containsExactly("not measured", "not measured", "met", "not measured");
        assertThat(r.markdown()).contains("| IQ3_S | generation ≥ 1.3× node-llama-cpp | – | not measured |");
        assertThat(r.toJson(new com.fasterxml.jackson.databind.ObjectMapper()).at("/targets/0/measured").isNull()).isTrue();
    }

    @Test
    void theCLoopIsAReferenceRowNotAPeer() {
        ModelRun m = new ModelRun("IQ3_S", 600L << 20, new BandwidthBound(600_000_000, 0, 40), List.of(
                engine("karuku", 14, 170), engine(BenchReport.NATIVE, 15, 180), engine(BenchReport.NODE, 14, 160)));
        BenchReport r = report(QUIET, m);
        // prompt: 170 against node-llama-cpp's 160 is met, though the C loop was faster
        assertThat(r.targets().get(3).measured()).isEqualTo(170.0 / 160);
        assertThat(r.targets()).extracting(TargetCheck::target).noneMatch(t -> t.contains("C loop"));
        assertThat(r.markdown()).contains("| IQ3_S (600 MiB) | llama.cpp C loop 1 | 180.0 | 15.00 | 0.93× |");
    }

    @Test
    void tableShowsEveryEngineTheBoundAndWarnsWhenTheMachineWasBusy() {
        ModelRun m = new ModelRun("Q4_K_M", 800L << 20, new BandwidthBound(800_000_000, 0, 40), List.of(
                engine("karuku", 30, 100), engine(BenchReport.NODE, 25, 90)));
        String busy = report(new Machine("Test CPU", 2, 24L << 30, "Linux 6", 3.5), m).markdown();
        assertThat(busy).contains("provisional")
                .contains("| Q4_K_M (800 MiB) | karuku 1 | 100.0 | 30.00 | 1.00× |")
                .contains("| Q4_K_M (800 MiB) | node-llama-cpp 1 | 90.0 | 25.00 | 1.20× |")
                .contains("bandwidth bound").contains("| 50.00 | 0.60× |");
        assertThat(report(QUIET, m).markdown()).doesNotContain("provisional");
    }

    @Test
    void showsTheSpreadOfTheRunsBehindEachMedian() {
        EngineResult karuku = new EngineResult("karuku", "1", "test", 2, 512, 512, 0, 1.0, 1L << 30, List.of(
                new RunSample(256, 2.0, 129, 128 / 25.0), new RunSample(256, 2.0, 129, 128 / 31.0),
                new RunSample(256, 2.0, 129, 128 / 36.5)));
        ModelRun m = new ModelRun("Q4_K_M", 800L << 20, new BandwidthBound(800_000_000, 0, 40), List.of(karuku,
                engine(BenchReport.NODE, 25, 90)));
        assertThat(report(QUIET, m).markdown())
                .contains("| Q4_K_M (800 MiB) | karuku 1 | 128.0 | 31.00 | 1.00× | 2000 | 1.00 | 1024 MiB | 25.0–36.5 |")
                .contains("| Q4_K_M (800 MiB) | node-llama-cpp 1 | 90.0 | 25.00 | 1.24× | 2844 | 1.00 | 1024 MiB | 25.0–25.0 |");
    }

    @Test
    void saysHowTheRunsWereSplitIntoRounds() {
        ModelRun m = new ModelRun("Q4_K_M", 800L << 20, new BandwidthBound(800_000_000, 0, 40), List.of(engine("karuku", 30, 100)));
        BenchReport one = report(QUIET, m);
        BenchReport two = new BenchReport(QUIET, 0.2, one.bandwidth(), 256, 129, 6, 1, 2, List.of(m));
        assertThat(one.markdown()).contains("median of 3 runs after 1 warm-up.");
        assertThat(two.markdown()).contains("median of 6 runs in 2 processes (rounds) of 3 after 1 warm-up each")
                .contains("mirrored order");
        assertThat(two.toJson(new com.fasterxml.jackson.databind.ObjectMapper()).at("/settings/rounds").asInt()).isEqualTo(2);
    }

    @Test
    void tiedEmbeddingsAreReadWholeEveryTokenUntiedOnlyOneRow() {
        long row = GgmlType.Q6_K.rowSize(2048);
        TensorInfo embd = new TensorInfo("token_embd.weight", GgmlType.Q6_K, new long[] {2048, 1000}, 0, row * 1000);
        TensorInfo q = new TensorInfo("blk.0.attn_q.weight", GgmlType.Q4_K, new long[] {2048, 2048}, 0,
                GgmlType.Q4_K.rowSize(2048) * 2048);
        TensorInfo out = new TensorInfo("output.weight", GgmlType.Q6_K, new long[] {2048, 1000}, 0, row * 1000);
        assertThat(BandwidthBound.weightBytesPerToken(file(List.of(embd, q)))).isEqualTo(embd.bytes() + q.bytes());
        assertThat(BandwidthBound.weightBytesPerToken(file(List.of(embd, q, out)))).isEqualTo(row + q.bytes() + out.bytes());
    }

    @Test
    void kvCacheReadGrowsWithThePosition() {
        GgufMetadata m = new GgufMetadata(Map.of(
                "general.architecture", new GgufValue.Str("llama"),
                "llama.block_count", u32(16), "llama.embedding_length", u32(2048),
                "llama.attention.head_count", u32(32), "llama.attention.head_count_kv", u32(8)));
        // 16 layers × 8 KV heads × (64 + 64) × 2 bytes = 32 KiB per cached token
        assertThat(BandwidthBound.kvBytesPerToken(m, 100)).isEqualTo(32L * 1024 * 100);
    }

    private static GgufValue u32(long v) {
        return new GgufValue.Int(GgufValue.Type.UINT32, v);
    }

    private static GgufFile file(List<TensorInfo> tensors) {
        return new GgufFile(3, new GgufMetadata(Map.of()), new ArrayList<>(tensors), 32, 0, 0, -1);
    }

    private static BenchReport report(Machine machine, ModelRun m) {
        return new BenchReport(machine, 0.2, List.of(new MemoryBandwidth.Result("java-memorysegment", 2, 1L << 30, 10, 40)),
                256, 129, 3, 1, 1, List.of(m));
    }

    /// An engine whose runs all took the same time: `decode` tok/s generating, `prompt` tok/s on the prompt.
    private static EngineResult engine(String name, double decode, double prompt) {
        RunSample s = new RunSample(256, 256 / prompt, 129, 128 / decode);
        return new EngineResult(name, "1", "test", 2, 512, 512, 0, 1.0, 1L << 30, List.of(s, s, s));
    }
}
