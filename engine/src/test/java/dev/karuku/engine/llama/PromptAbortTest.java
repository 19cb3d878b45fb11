package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// A long prompt is one `llama_decode` call per batch; cancelling must not wait for it to finish. The context's
/// abort callback makes llama.cpp stop between graph nodes, and the context stays consistent and usable.
class PromptAbortTest {

    @Test
    void cancellingDuringALongPromptStopsTheDecodeAndLeavesTheContextUsable() {
        LoadOptions big = LoadOptions.of(TestFixtures.tinySettings().withContextLength(6144).withBatch(6144).withUbatch(256));
        try (Model model = LlamaRuntime.load().loadModel(TestFixtures.successor(), big);
             Context ctx = model.newContext(big)) {
            int[] prompt = new int[6000];
            Arrays.fill(prompt, 260); // 'b', 6000 times: one decode call of 24 micro-batches
            Cancellation cancel = new Cancellation();
            CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(cancel::cancel);
            long t0 = System.nanoTime();
            GenerationResult r = ctx.generate(prompt, new GenerateOptions(5, SamplingParams.greedy(), List.of()),
                    GenerationListener.NONE, cancel);
            long ms = (System.nanoTime() - t0) / 1_000_000;

            assertThat(r.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(r.text()).isEmpty();
            int kept = ctx.cachedTokenCount();
            assertThat(kept).as("evaluated before the abort, after %d ms", ms).isLessThan(prompt.length);
            assertThat(Arrays.stream(ctx.cachedTokens())).allMatch(t -> t == 260);

            // The finished micro-batches are reused; the rest is evaluated; the answer is right (b → cdefg).
            GenerationResult resumed = ctx.generate(prompt, new GenerateOptions(5, SamplingParams.greedy(), List.of()),
                    GenerationListener.NONE, Cancellation.none());
            assertThat(resumed.stats().reusedTokens()).isEqualTo(kept);
            assertThat(resumed.stats().promptTokens()).isEqualTo(prompt.length - kept);
            assertThat(resumed.text()).isEqualTo("cdefg");

            GenerationResult after = ctx.generate(model.tokenize("abc", true, false),
                    new GenerateOptions(5, SamplingParams.greedy(), List.of()), GenerationListener.NONE, Cancellation.none());
            assertThat(after.text()).isEqualTo("defgh");
        }
    }
}
