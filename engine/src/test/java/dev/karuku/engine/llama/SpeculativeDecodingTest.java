package dev.karuku.engine.llama;

import dev.karuku.engine.chat.ChatSession;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.settings.SpeculativeSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Speculative decoding on the successor model: the text is the model's own, whatever proposes the tokens, and only
/// the speed (tokens accepted per pass) changes.
class SpeculativeDecodingTest {

    private static LoadedModel plain;

    @BeforeAll
    static void loadPlain() {
        plain = LoadedModel.open(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions()).join();
    }

    @AfterAll
    static void closePlain() {
        plain.close();
    }

    /// The test models are as costly as each other, so the adaptive length would (rightly) propose almost nothing:
    /// these always propose the most, to check every proposal path.
    static LoadedModel speculative(SpeculativeSettings s) {
        LoadedModel m = LoadedModel.open(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions(), s).join();
        m.withContext(c -> {
            c.speculation().orElseThrow().alwaysProposeTheMost();
            return null;
        }).join();
        return m;
    }

    private static LoadedModel withDraft(Path draft) {
        return speculative(SpeculativeSettings.OFF.withDraft(draft).withDraftMax(8));
    }

    private static LoadedModel withLookup() {
        return speculative(SpeculativeSettings.OFF.withLookup(true).withDraftMax(8));
    }

    private static GenerateOptions greedy(int tokens, String... stops) {
        return GenerateOptions.defaults().withSampling(SamplingParams.greedy()).withMaxTokens(tokens).withStopStrings(List.of(stops));
    }

    private static GenerationResult run(LoadedModel m, String prompt, GenerateOptions o) {
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = m.generate(prompt, o, streamed::append).result().join();
        assertThat(streamed.toString()).as("streamed text").isEqualTo(r.text());
        return r;
    }

    @Test
    void greedyTextIsTheModelsOwnWithExactPartialAndWrongDrafts() {
        String[] prompts = {"abc", "xyz", "hello", "q"};
        for (int every : new int[] {0, 3, 1}) {
            try (LoadedModel spec = withDraft(SpeculativeFixtures.erring(every))) {
                int accepted = 0, drafted = 0, generated = 0;
                for (String p : prompts) {
                    for (GenerateOptions o : List.of(greedy(60), greedy(40, "uvw"), greedy(7))) {
                        GenerationResult want = run(plain, p, o);
                        GenerationResult got = run(spec, p, o);
                        assertThat(got.text()).as("draft erring every %d, prompt %s", every, p).isEqualTo(want.text());
                        assertThat(got.stopReason()).isEqualTo(want.stopReason());
                        assertThat(got.stats().generatedTokens()).isEqualTo(want.stats().generatedTokens());
                        accepted += got.stats().acceptedTokens();
                        drafted += got.stats().draftedTokens();
                        generated += got.stats().generatedTokens();
                    }
                }
                if (every == 0) {
                    assertThat(accepted).as("an exact draft is accepted").isGreaterThan(generated * 7 / 10);
                    assertThat(drafted - accepted).as("rejections of an exact draft").isLessThan(drafted / 10 + 1);
                }
                if (every == 1) assertThat(accepted).as("an always-wrong draft").isZero();
                if (every == 3) {
                    assertThat(accepted).as("a draft wrong on every third letter is partly accepted")
                            .isGreaterThan(generated / 4).isLessThan(generated * 9 / 10);
                }
            }
        }
    }

    @Test
    void greedyTextIsTheModelsOwnWithPromptLookup() {
        try (LoadedModel spec = withLookup()) {
            String repeating = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
            for (String p : List.of(repeating, "abc", "hello there")) {
                GenerationResult want = run(plain, p, greedy(80));
                GenerationResult got = run(spec, p, greedy(80));
                assertThat(got.text()).as(p).isEqualTo(want.text());
            }
            GenerationResult r = run(spec, repeating, greedy(80));
            assertThat(r.stats().acceptedTokens()).as("the answer repeats the prompt").isGreaterThan(40);
            assertThat(r.stats().tokensPerPass()).isGreaterThan(2.0);
        }
    }

    @Test
    void chatTurnsMatchAndBothCachesAreReused() {
        try (LoadedModel spec = speculative(SpeculativeSettings.OFF.withDraft(SpeculativeFixtures.erring(5)).withLookup(true).withDraftMax(6))) {
            ChatSession a = new ChatSession(plain, "be brief");
            ChatSession b = new ChatSession(spec, "be brief");
            List<String> want = new ArrayList<>();
            List<String> got = new ArrayList<>();
            for (String user : List.of("abc", "mno", "uvw")) {
                want.add(a.send(user, greedy(24), t -> {}).result().join().text());
                got.add(b.send(user, greedy(24), t -> {}).result().join().text());
                if (got.size() > 1) {
                    assertThat(b.lastTurn().orElseThrow().reusedTokens()).as("the model's cache is reused").isGreaterThan(20);
                }
            }
            assertThat(got).isEqualTo(want);
            Context draft = spec.withContext(c -> c.speculation().orElseThrow().draft()).join();
            int[] draftCache = spec.withContext(c -> draft.cachedTokens()).join();
            int[] modelCache = spec.withContext(Context::cachedTokens).join();
            // The draft's cache follows the accepted text: a prefix of the model's (no rejected positions left).
            int common = 0;
            while (common < Math.min(draftCache.length, modelCache.length) && draftCache[common] == modelCache[common]) common++;
            assertThat(common).as("the draft's cache is a prefix of the model's").isEqualTo(Math.min(draftCache.length, modelCache.length));
            assertThat(draftCache.length).as("the draft's cache holds the conversation").isGreaterThan(20);
        }
    }

    @Test
    void draftWithAnotherVocabularyIsRefused() {
        assertThatThrownBy(() -> withDraft(SpeculativeFixtures.foreignVocabulary()))
                .hasRootCauseInstanceOf(ModelLoadException.class)
                .rootCause().hasMessageContaining("foreign-vocab.gguf").hasMessageContaining("must share the model's vocabulary");
    }

    @Test
    void adaptiveLengthProposesLittleWhenTheDraftCostsAsMuchAsTheModelOrIsAlwaysWrong() {
        for (Path draft : List.of(SpeculativeFixtures.erring(0), SpeculativeFixtures.erring(1))) {
            try (LoadedModel spec = LoadedModel.open(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions(),
                    SpeculativeSettings.OFF.withDraft(draft).withDraftMax(8)).join()) {
                GenerationResult want = run(plain, "abc", greedy(120));
                GenerationResult got = run(spec, "abc", greedy(120));
                assertThat(got.text()).isEqualTo(want.text());
                assertThat(got.stats().draftedTokens()).as("tokens proposed").isLessThan(20);
            }
        }
    }

    @Test
    void cancellingMidSpeculationStopsAndLeavesAConsistentCache() throws Exception {
        try (LoadedModel spec = withDraft(SpeculativeFixtures.erring(0))) {
            CountDownLatch streaming = new CountDownLatch(3);
            Generation g = spec.generate("abc", greedy(0), piece -> {
                streaming.countDown();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();
            g.cancel();
            GenerationResult r = g.result().get(10, TimeUnit.SECONDS);
            assertThat(r.stopReason()).isEqualTo(StopReason.CANCELLED);
            assertThat(r.text()).startsWith("def").hasSizeLessThan(200);
            // What was cached when it stopped is reused, and the next answer is still the model's own.
            GenerationResult next = run(spec, "abcdefg", greedy(30));
            assertThat(next.text()).isEqualTo(run(plain, "abcdefg", greedy(30)).text());
        }
    }
}
