package dev.karuku.engine.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// The formulas, on cases worked by hand.
class ScoringTest {

    @Test
    void logSoftmaxOfLogitsOfKnownProbabilities() {
        // logits ln 1, ln 2, ln 5 give probabilities 1/8, 2/8, 5/8, whatever constant is added
        float[] logits = {(float) Math.log(1) + 3, (float) Math.log(2) + 3, (float) Math.log(5) + 3};
        double[] lp = new double[3];
        Scoring.logSoftmax(logits, lp);
        assertThat(Math.exp(lp[0])).isCloseTo(0.125, within(1e-6));
        assertThat(Math.exp(lp[1])).isCloseTo(0.25, within(1e-6));
        assertThat(Math.exp(lp[2])).isCloseTo(0.625, within(1e-6));
        // perplexity of a text whose next tokens were 2, 1: exp(-(ln 5/8 + ln 2/8) / 2)
        double ppl = Math.exp(-(lp[2] + lp[1]) / 2);
        assertThat(ppl).isCloseTo(Math.sqrt(1 / (0.625 * 0.25)), within(1e-5));
    }

    @Test
    void klDivergenceOfTwoKnownDistributions() {
        double[] ref = {Math.log(0.5), Math.log(0.5)};
        double[] model = {Math.log(0.9), Math.log(0.1)};
        double expected = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
        assertThat(Scoring.kld(ref, model)).isCloseTo(expected, within(1e-12)).isCloseTo(0.5108, within(1e-4));
        assertThat(Scoring.kld(ref, ref)).isZero();
    }

    @Test
    void quantilesByNearestRankBelow() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Scoring.quantile(sorted, 0.5)).isEqualTo(5);
        assertThat(Scoring.quantile(sorted, 0.99)).isEqualTo(9);
        assertThat(Scoring.quantile(sorted, 1)).isEqualTo(10);
    }
}
