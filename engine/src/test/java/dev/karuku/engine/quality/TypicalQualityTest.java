package dev.karuku.engine.quality;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TypicalQualityTest {

    @Test
    void theThreeTypesUsersChooseBetweenHaveTheirPublishedFiguresOrNone() {
        assertThat(TypicalQuality.of("Q4_K_M")).hasValue(new TypicalQuality.Figure(0.1754, "Llama-3-8B"));
        assertThat(TypicalQuality.of("q5_k_s")).hasValue(new TypicalQuality.Figure(0.1049, "Llama-3-8B"));
        assertThat(TypicalQuality.of("IQ3_S")).isEmpty(); // llama.cpp gives only its bits per weight
    }

    @Test
    void theKQuantFiguresFallAsTheTypesGrow() {
        List<Double> costs = List.of("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0").stream()
                .map(t -> TypicalQuality.of(t).orElseThrow().perplexityIncrease()).toList();
        assertThat(costs).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void bitsPerWeightFromBytesAndParameters() {
        assertThat(TypicalQuality.bitsPerWeight(4_920_000_000L, 8_030_000_000L)).isCloseTo(4.90, within(0.01));
    }
}
