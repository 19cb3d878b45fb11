package dev.karuku.engine.estimate;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.Hardware;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// The speed estimate from this machine: the bandwidth probe runs once and is kept in the data folder, its figure
/// drives the estimate, and a model's real replies replace the estimate once there are some.
class MeasuredSpeedsTest {

    @TempDir
    Path dir;

    final Hardware pc = Hardware.cpuOnly(16L << 30, 12L << 30, 4);

    static MeasuredSpeeds speeds(Path dir, double gbPerSecond, AtomicInteger probes) {
        return new MeasuredSpeeds(dir.resolve("speed.json"), threads -> {
            probes.incrementAndGet();
            return gbPerSecond;
        });
    }

    @Test
    void theBandwidthIsProbedOnFirstUseAndThenReadFromTheDataFolder() {
        AtomicInteger probes = new AtomicInteger();
        double first = speeds(dir, 30, probes).cpuBytesPerSecond();
        assertThat(probes).hasValue(1);
        assertThat(first).isCloseTo(30e9 * SpeedEstimate.CPU_EFFICIENCY, within(1.0));
        assertThat(Files.exists(dir.resolve("speed.json"))).isTrue();

        AtomicInteger later = new AtomicInteger();
        double again = speeds(dir, 99, later).cpuBytesPerSecond(); // a new start of the app
        assertThat(later).hasValue(0);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void theEstimateFollowsTheMeasuredBandwidthNotAConstant() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        GgufFile gguf = GgufReader.read(model);
        MemoryEstimate e = MemoryEstimator.estimate(gguf, EstimateOptions.defaults().withGpuLayers(0), pc);

        double slow = speeds(dir.resolve("slow"), 10, new AtomicInteger()).tokensPerSecond(gguf, model, 0, e, pc);
        double fast = speeds(dir.resolve("fast"), 40, new AtomicInteger()).tokensPerSecond(gguf, model, 0, e, pc);

        assertThat(fast / slow).isCloseTo(4.0, within(1e-9));
        assertThat(slow).isCloseTo(SpeedEstimate.tokensPerSecond(gguf, e, pc, 10e9 * SpeedEstimate.CPU_EFFICIENCY), within(1e-9));
    }

    @Test
    void aModelsRepliesReplaceItsEstimateForTheSameGpuLayersAndAreKept() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        GgufFile gguf = GgufReader.read(model);
        MemoryEstimate e = MemoryEstimator.estimate(gguf, EstimateOptions.defaults().withGpuLayers(0), pc);
        MeasuredSpeeds speeds = speeds(dir, 30, new AtomicInteger());
        double estimated = speeds.tokensPerSecond(gguf, model, 0, e, pc);

        speeds.recordReply(model, 0, 5, 100_000_000L); // too short to say anything
        assertThat(speeds.tokensPerSecond(gguf, model, 0, e, pc)).isEqualTo(estimated);

        speeds.recordReply(model, 0, 100, 4_000_000_000L); // 25 tok/s
        assertThat(speeds.tokensPerSecond(gguf, model, 0, e, pc)).isCloseTo(25, within(1e-9));
        speeds.recordReply(model, 0, 100, 2_000_000_000L); // 50 tok/s: recent replies weigh more, the old still counts
        double both = speeds.tokensPerSecond(gguf, model, 0, e, pc);
        assertThat(both).isGreaterThan(25).isLessThan(50);
        assertThat(speeds.tokensPerSecond(gguf, model, 8, e, pc)).isEqualTo(estimated); // other settings: the estimate

        MeasuredSpeeds reopened = speeds(dir, 30, new AtomicInteger());
        assertThat(reopened.replyTokensPerSecond(model, 0)).hasValue(both);
    }

    @Test
    void aDamagedFileIsIgnoredAndReplaced() throws Exception {
        Files.writeString(dir.resolve("speed.json"), "{ not json");
        AtomicInteger probes = new AtomicInteger();
        MeasuredSpeeds speeds = speeds(dir, 20, probes);
        assertThat(speeds.cpuBytesPerSecond()).isCloseTo(20e9 * SpeedEstimate.CPU_EFFICIENCY, within(1.0));
        assertThat(probes).hasValue(1);
        assertThat(Files.readString(dir.resolve("speed.json"))).contains("gbPerSecond");
    }

    @Test
    void theRealProbeMeasuresThisMachinesMemoryOnceAndKeepsTheFigure() throws Exception {
        double bytesPerSecond = MeasuredSpeeds.open(dir).cpuBytesPerSecond();
        // no bound on the speed itself: a busy machine reads memory as slowly as it must, and that is still a figure
        assertThat(bytesPerSecond).isFinite().isPositive().isNotEqualTo(SpeedEstimate.CPU_BYTES_PER_SECOND); // measured, not the fallback
        double kept = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("speed.json").toFile()).path("cpu").path("gbPerSecond").asDouble();
        assertThat(kept * 1e9 * SpeedEstimate.CPU_EFFICIENCY).isCloseTo(bytesPerSecond, within(1.0));
        // the next start of the app reads it instead of probing again (a probe would measure another figure)
        assertThat(MeasuredSpeeds.open(dir).cpuBytesPerSecond()).isEqualTo(bytesPerSecond);
    }
}
