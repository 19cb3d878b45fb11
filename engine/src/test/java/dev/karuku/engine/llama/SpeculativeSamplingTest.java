package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.settings.SpeculativeSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// With sampling, speculative decoding must draw every token from the model's own distribution, whatever the draft
/// proposes: the rejection rule corrects for the draft. Compared here with plain sampling by a two-sample chi-square
/// test on the first three tokens of many short answers, at a temperature that spreads the successor model's choices,
/// with a draft that proposes the wrong letter on every other step. Seeds are fixed, so the outcome is too.
class SpeculativeSamplingTest {

    private static final int RUNS = 600;

    @Test
    void sampledTokensFollowTheModelsDistributionWithADraftModel() {
        compare(SpeculativeSettings.OFF.withDraft(SpeculativeFixtures.erring(2)).withDraftMax(4));
    }

    @Test
    void sampledTokensFollowTheModelsDistributionWithPromptLookup() {
        compare(SpeculativeSettings.OFF.withLookup(true).withDraftMax(4));
    }

    private static void compare(SpeculativeSettings speculative) {
        Path model = TestFixtures.successor();
        Map<String, int[]> counts = new LinkedHashMap<>();
        try (LoadedModel plain = LoadedModel.open(LlamaRuntime.load(), model, TestFixtures.tinyOptions()).join();
             LoadedModel spec = SpeculativeDecodingTest.speculative(speculative)) {
            int accepted = 0;
            for (int i = 0; i < RUNS; i++) {
                GenerateOptions o = GenerateOptions.defaults().withMaxTokens(3).withStopStrings(List.of())
                        .withSampling(new SamplingParams(1.4f, 0, 1.0f, 0.0f, 1.0f, 64, 1000 + i));
                // "cd" came before, followed by "e": after a first "d", prompt lookup proposes "ex", whose first
                // letter is the model's likeliest choice (about half the time) and whose second is not.
                String prompt = "cdexyzabc";
                String a = plain.generate(prompt, o, t -> {}).result().join().text();
                GenerationResult r = spec.generate(prompt, o, t -> {}).result().join();
                accepted += r.stats().acceptedTokens();
                counts.computeIfAbsent(bin(a), k -> new int[2])[0]++;
                counts.computeIfAbsent(bin(r.text()), k -> new int[2])[1]++;
            }
            assertThat(accepted).as("proposals were accepted, so the rule was exercised").isGreaterThan(RUNS / 10);
        }
        double chi2 = 0;
        int bins = 0;
        for (int[] c : counts.values()) {
            double total = c[0] + c[1];
            if (total < 10) continue; // too rare to test
            bins++;
            for (int s = 0; s < 2; s++) {
                double expected = total / 2;
                chi2 += (c[s] - expected) * (c[s] - expected) / expected;
            }
        }
        // Two samples of equal size: the statistic has bins - 1 degrees of freedom. Critical values at p = 0.001.
        double critical = CRITICAL_001[Math.min(bins - 1, CRITICAL_001.length - 1)];
        assertThat(bins).as("bins with enough answers: " + counts.keySet()).isGreaterThanOrEqualTo(4);
        assertThat(chi2).as("chi-square over %d bins: %s", bins, describe(counts)).isLessThan(critical);
    }

    /// How the answer continues the alphabet: for each of its first three characters, whether it is the next letter.
    private static String bin(String text) {
        StringBuilder b = new StringBuilder();
        char expect = 'd'; // after "...abc"
        for (int i = 0; i < 3; i++) {
            if (i >= text.length()) {
                b.append('-');
                continue;
            }
            char c = text.charAt(i);
            b.append(c == expect ? '+' : Character.isLetter(c) ? 'x' : '?');
            expect = Character.isLetter(c) ? (char) ('a' + (c - 'a' + 1) % 26) : '?';
        }
        return b.toString();
    }

    private static String describe(Map<String, int[]> counts) {
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(k).append('=').append(v[0]).append('/').append(v[1]).append(' '));
        return b.toString();
    }

    /// Chi-square critical values at p = 0.001 for 0…30 degrees of freedom (0 unused).
    private static final double[] CRITICAL_001 = {0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88,
            29.59, 31.26, 32.91, 34.53, 36.12, 37.70, 39.25, 40.79, 42.31, 43.82, 45.31, 46.80, 48.27, 49.73, 51.18,
            52.62, 54.05, 55.48, 56.89, 58.30, 59.70};
}
