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
        // A slow reader: 25 ms per token until the context is full would take many seconds.
        Generation g = m.generate("abc", GenerateOptions.defaults().withMaxTokens(0).withSampling(SamplingParams.greedy()), piece -> {
            streaming.countDown();
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Generation queued = m.generate("xyz", GenerateOptions.defaults().withMaxTokens(0), piece -> {});
        assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        m.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(g.result().join().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(queued.result().join().stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(millis).as("close waited for the answer").isLessThan(3_000);
        assertThatThrownBy(() -> m.model().info()).as("the model is freed").isInstanceOf(IllegalStateException.class);
    }
}
