package dev.karuku.cli.bench;

import dev.karuku.engine.hardware.MemoryBandwidth;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BenchStatisticsTest {

    @Test
    void medianIgnoresOneDisturbedRun() {
        assertThat(Stats.median(40, 41, 3, 42, 40.5)).isEqualTo(40.5);
        assertThat(Stats.median(1, 2, 3, 4)).isEqualTo(2.5);
        assertThat(Stats.median()).isNaN();
    }

    @Test
    void p99OfAHundredFramesIsTheSecondWorst() {
        double[] frames = new double[100];
        for (int i = 0; i < 100; i++) frames[i] = i + 1; // 1..100 ms
        assertThat(Stats.percentile(frames, 99)).isEqualTo(99);
        assertThat(Stats.percentile(frames, 50)).isEqualTo(50);
        assertThat(Stats.percentile(new double[] {7}, 99)).isEqualTo(7);
        assertThatThrownBy(() -> Stats.percentile(frames, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generationRateCountsTheTokensAfterTheFirst() {
        RunSample s = new RunSample(256, 2.0, 129, 4.0); // 128 tokens after the first one in 4 s
        assertThat(s.decodeTokensPerSecond()).isEqualTo(32.0);
        assertThat(s.promptTokensPerSecond()).isEqualTo(128.0);
        assertThat(new RunSample(10, 1.0, 1, 0).decodeTokensPerSecond()).isNaN();
    }

    @Test
    void engineResultReportsMediansAndSurvivesItsOwnJson() {
        EngineResult r = new EngineResult("karuku", "0.1.0", "cpu", 2, 512, 512, 0, 0.5, 1 << 30, List.of(
                new RunSample(256, 2.0, 129, 4.0), new RunSample(256, 4.0, 129, 8.0), new RunSample(256, 2.5, 129, 3.2)));
        assertThat(r.decodeTokensPerSecond()).isEqualTo(32.0);
        assertThat(r.timeToFirstTokenMillis()).isEqualTo(2500.0);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        EngineResult back = EngineResult.fromJson(r.toJson(json));
        assertThat(back).isEqualTo(r);
        assertThat(r.toJson(json).get("decodeTokensPerSecond").asDouble()).isEqualTo(32.0);
    }

    @Test
    void anEnginesRoundsAreOneResultWithTheMedianOverAllTheirRuns() {
        // round 1 ran while the machine was fast (32 tok/s), round 2 while it was slow (16 tok/s)
        EngineResult fast = new EngineResult("karuku", "0.1.0", "cpu", 2, 512, 512, 0, 0.5, 900L << 20, List.of(
                new RunSample(256, 2.0, 129, 4.0), new RunSample(256, 2.0, 129, 4.0), new RunSample(256, 2.0, 129, 4.0)));
        EngineResult slow = new EngineResult("karuku", "0.1.0", "cpu", 2, 512, 512, 0, 0.9, 1000L << 20, List.of(
                new RunSample(256, 4.0, 129, 8.0), new RunSample(256, 4.0, 129, 8.0), new RunSample(256, 4.0, 129, 8.0)));
        EngineResult both = EngineResult.merge(List.of(fast, slow));
        assertThat(both.samples()).hasSize(6);
        assertThat(both.decodeTokensPerSecond()).isEqualTo(24.0); // between the rounds, not either one
        assertThat(both.slowestDecodeTokensPerSecond()).isEqualTo(16.0);
        assertThat(both.fastestDecodeTokensPerSecond()).isEqualTo(32.0);
        assertThat(both.loadSeconds()).isCloseTo(0.7, within(1e-9));
        assertThat(both.peakRssBytes()).isEqualTo(1000L << 20);
        assertThat(EngineResult.merge(List.of(fast))).isEqualTo(fast);
        EngineResult other = new EngineResult(BenchReport.NODE, "3.21.1", "cpu", 2, 512, 512, 0, 0.5, 1, fast.samples());
        assertThatThrownBy(() -> EngineResult.merge(List.of(fast, other))).hasMessageContaining("different engines");
    }

    @Test
    void peersPromptIsTheSameIdsEveryTimeAndInsideTheVocabulary() {
        int[] a = PromptTokens.ids(256, 128_256);
        assertThat(a).isEqualTo(PromptTokens.ids(256, 128_256)).hasSize(256);
        assertThat(java.util.stream.IntStream.of(a).boxed().toList()).allSatisfy(id -> assertThat(id).isBetween(300, 30_299));
        assertThat(java.util.stream.IntStream.of(PromptTokens.ids(600, 285)).boxed().toList())
                .allSatisfy(id -> assertThat(id).isBetween(3, 284));
        assertThat(a[0]).isEqualTo(313); // the peers' harnesses hard-code this formula: 300 + (0·7919 + 13)
        assertThat(a[1]).isEqualTo(300 + (7919 + 13) % 30_000);
    }

    @Test
    void peakMemoryComesFromVmHwm() {
        assertThat(PeakMemory.fromProcStatus("Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1024 kB\n"))
                .isEqualTo(OptionalLong.of(2048 * 1024));
        assertThat(PeakMemory.fromProcStatus("Name:\tjava\n")).isEmpty();
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(PeakMemory.peakResidentBytes().orElseThrow()).isGreaterThan(1 << 20);
        }
    }

    @Test
    void bandwidthMeasurementReadsTheWholeBufferAndGivesARate() {
        // the rate itself depends on how busy the machine is: that it is a finite positive figure is what counts here
        MemoryBandwidth.Result r = MemoryBandwidth.measure(2, 64L << 20, 2);
        assertThat(r.gbPerSecond()).isFinite().isPositive();
        assertThat(r.bytes()).isEqualTo(64L << 20);
        assertThat(r.threads()).isEqualTo(2);
        assertThat(r.passes()).isEqualTo(2);
        assertThatThrownBy(() -> MemoryBandwidth.measure(0, 64L << 20, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundIsBandwidthOverBytesPerToken() {
        BandwidthBound b = new BandwidthBound(900_000_000, 100_000_000, 50);
        assertThat(b.tokensPerSecond()).isCloseTo(50.0, within(1e-9));
    }
}
