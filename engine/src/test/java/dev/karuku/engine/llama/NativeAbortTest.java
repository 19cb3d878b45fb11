package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// llama.cpp's abort callback reads the cancellation's native flag itself (no Java upcall per graph node): a
/// cancelled flag stops `llama_decode` inside llama.cpp, and the next generation with a fresh flag runs normally.
class NativeAbortTest {

    @Test
    void cancelledFlagAbortsTheDecodeInsideLlamaCppAndAFreshOneRunsAgain() {
        try (Model model = LlamaRuntime.load().loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
             Context ctx = model.newContext(TestFixtures.tinyOptions())) {
            int[] abc = model.tokenize("abc", true, false);
            assertThat(ctx.evaluate(abc, 0, abc.length, Cancellation.none())).isTrue();
            int cached = ctx.cachedTokenCount();

            Cancellation cancelled = new Cancellation();
            cancelled.cancel();
            // evaluateOne goes straight to llama_decode (no Java check first): only the native predicate can stop it.
            assertThat(ctx.evaluateOne(model.tokenize("d", false, false)[0], cancelled)).isFalse();
            assertThat(ctx.cachedTokenCount()).isEqualTo(cached);

            GenerationResult r = ctx.generate(abc, new GenerateOptions(5, SamplingParams.greedy(), List.of()),
                    GenerationListener.NONE, Cancellation.none());
            assertThat(r.text()).isEqualTo("defgh");
            assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
        }
    }
}
