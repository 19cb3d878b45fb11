package dev.karuku.engine.llama;

import dev.karuku.engine.generation.SamplingParams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/// Native handles free their memory once and refuse use afterwards with a clear message, instead of crashing.
class HandleLifecycleTest {

    private final LlamaRuntime llama = LlamaRuntime.load();

    @Test
    void modelThrowsAfterClose() {
        Model m = llama.loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
        m.close();
        assertThatThrownBy(() -> m.tokenize("abc", false, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model is closed");
        assertThatThrownBy(m::info).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.newContext(TestFixtures.tinyOptions())).isInstanceOf(IllegalStateException.class);
        assertThatNoException().isThrownBy(m::close);
    }

    @Test
    void contextThrowsAfterCloseAndClosesWithItsModel() {
        Model m = llama.loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
        Context c = m.newContext(TestFixtures.tinyOptions());
        Context c2 = m.newContext(TestFixtures.tinyOptions());
        c.close();
        assertThatThrownBy(() -> c.evaluate(new int[]{260}, 0, 1, Cancellation.none()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("context is closed");
        m.close();
        assertThatThrownBy(c2::clear).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c2.reusePrefix(new int[]{260})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void samplerThrowsAfterClose() {
        try (Model m = llama.loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
             Context c = m.newContext(TestFixtures.tinyOptions())) {
            Sampler s = Sampler.create(m, SamplingParams.greedy());
            s.close();
            assertThatThrownBy(() -> s.sample(c)).isInstanceOf(IllegalStateException.class).hasMessageContaining("sampler is closed");
            assertThatThrownBy(s::reset).isInstanceOf(IllegalStateException.class);
        }
    }
}
