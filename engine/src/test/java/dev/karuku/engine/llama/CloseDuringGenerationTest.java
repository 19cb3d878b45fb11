package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Closing a model while it answers (the app switching models, or quitting) stops the answer and frees the
/// memory at once, instead of waiting for the answer to end (or, after a minute, dropping the free for good).
class CloseDuringGenerationTest {

    @Test
    void closingWhileGeneratingCancelsTheAnswerAndFreesTheModel() throws Exception {
        LoadedModel m = LoadedModel.open(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions()).join();
        CountDownLatch streaming = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger pieces = new java.util.concurrent.atomic.AtomicInteger();
        // A slow reader: 25 ms per token until the context is full would take many seconds.
        Generation g = m.generate("abc", GenerateOptions.defaults().withMaxTokens(0).withSampling(SamplingParams.greedy()), piece -> {
            streaming.countDown();
            pieces.incrementAndGet();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Generation queued = m.generate("xyz", GenerateOptions.defaults().withMaxTokens(0), piece -> {});
        assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();

        int before = pieces.get();
        m.close();
        int after = pieces.get() - before;

        assertThat(g.result().join().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(queued.result().join().stopReason()).isEqualTo(StopReason.CANCELLED);
        // counted in tokens, not milliseconds (a busy machine is slow either way): a close that waited for the answer
        // would let it write to the context's end, some 250 more
        assertThat(after).as("tokens written after close began").isLessThanOrEqualTo(2);
        assertThatThrownBy(() -> m.model().info()).as("the model is freed").isInstanceOf(IllegalStateException.class);
    }
}
