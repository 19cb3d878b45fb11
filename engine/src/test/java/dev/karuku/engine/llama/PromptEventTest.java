package dev.karuku.engine.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The listener hears that the prompt is being read, and how much of it, before the first piece: the app shows it
/// while a cold model reads (many seconds with only "…" before).
class PromptEventTest {

    @Test
    void theListenerHearsHowManyPromptTokensAreReadBeforeTheFirstPiece() {
        try (Model model = LlamaRuntime.load().loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
             Context ctx = model.newContext(TestFixtures.tinyOptions())) {
            List<String> events = new ArrayList<>();
            GenerationListener listener = new GenerationListener() {
                @Override public void onText(String piece) { events.add("text " + piece); }
                @Override public void onPrompt(int tokens) { events.add("prompt " + tokens); }
            };
            int[] prompt = model.tokenize("abc", true, false);

            GenerationResult first = ctx.generate(prompt, new GenerateOptions(3, SamplingParams.greedy(), List.of()), listener, Cancellation.none());

            assertThat(first.text()).isEqualTo("def");
            assertThat(events.getFirst()).isEqualTo("prompt " + prompt.length);
            assertThat(events.subList(1, events.size())).allMatch(e -> e.startsWith("text "));

            events.clear(); // the same prompt again: what is cached is not read again, and the count says so
            GenerationResult again = ctx.generate(prompt, new GenerateOptions(1, SamplingParams.greedy(), List.of()), listener, Cancellation.none());
            assertThat(events.getFirst()).isEqualTo("prompt " + again.stats().promptTokens());
            assertThat(again.stats().promptTokens()).isLessThan(prompt.length);
        }
    }
}
