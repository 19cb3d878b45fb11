package dev.karuku.engine.estimate.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GpuComputeReplayTest {

    /// Llama-3.2-1B proportions (16 blocks, 2048 wide, 32/8 heads of 64, vocab 128256), Q4_K-sized weights.
    static GpuComputeReplay llama1b(int gpuStart, long ctx, boolean fa) {
        return new GpuComputeReplay(GpuComputeReplay.Layout.LLAMA, new boolean[16], 0, 16, gpuStart, 2048, 2048, 512, 512, 32, 8192, 128256, ctx,
                512, fa, name -> name.endsWith("norm.weight") ? 8192 : name.startsWith("token_embd") ? 147_750_912L : 2_359_296L);
    }

    @ParameterizedTest(name = "fa {0}")
    @CsvSource({"true", "false"})
    void atFullOffloadThePeakIsTheLogitsWithTheNormedHiddenState(boolean fa) {
        long act = 4 * 512;
        long logitsPhase = act * (128256 + 2048);
        // Only the graph inputs' GPU copies (positions, row indices, output ids, a few KiB) come on top. (At 2k context
        // the f32 KQ matrix without flash attention, 128 MiB, is still below the 254 MiB of logits.)
        assertThat(llama1b(0, 2048, fa).gpuBytes()).isBetween(logitsPhase, logitsPhase + (64 << 10));
    }

    @ParameterizedTest(name = "gpuStart {0} fa {1}")
    @CsvSource({"0, true", "8, true", "16, true", "0, false", "8, false", "17, false"})
    void cpuBlocksCopiedToTheGpuNeverShrinkTheBufferBelowTheFullOffloadPeak(int gpuStart, boolean fa) {
        assertThat(llama1b(gpuStart, 4096, fa).gpuBytes()).isGreaterThanOrEqualTo(llama1b(0, 4096, fa).gpuBytes());
    }

    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({"true", "false"})
    void theVulkanReorderKeepsEveryProducerBeforeItsConsumers(boolean fa) {
        ScheduledGraph g = new ScheduledGraph(true);
        Tensor w = Tensor.weight("w", 1024, Tensor.Place.GPU);
        Tensor x = g.op("x", Tensor.Op.RMS_NORM, 4096, Tensor.Place.GPU, Tensor.leaf("in", 4096, Tensor.Place.GPU, true));
        Tensor a = g.op("a", Tensor.Op.MUL, 4096, Tensor.Place.GPU, x, w);
        Tensor q = g.op("q", Tensor.Op.MUL_MAT, 4096, Tensor.Place.GPU, w, a);
        Tensor k = g.op("k", Tensor.Op.MUL_MAT, 1024, Tensor.Place.GPU, w, a);
        Tensor r = g.op("r", Tensor.Op.ROPE, 1024, Tensor.Place.GPU, g.view("kr", Tensor.Op.RESHAPE, 1024, k), w);
        Tensor s = g.op("s", fa ? Tensor.Op.ADD : Tensor.Op.MUL, 4096, Tensor.Place.GPU, q, g.view("rv", Tensor.Op.VIEW, 4096, r));
        g.op("o", Tensor.Op.MUL_MAT, 4096, Tensor.Place.GPU, w, s);
        List<Tensor> order = g.nodes();
        Set<Tensor> seen = new HashSet<>();
        for (Tensor n : order) {
            for (Tensor src : n.src) {
                if (order.contains(src)) assertThat(seen).as(n + " after its source " + src).contains(src);
            }
            seen.add(n);
        }
        assertThat(order).hasSize(9);
    }
}
