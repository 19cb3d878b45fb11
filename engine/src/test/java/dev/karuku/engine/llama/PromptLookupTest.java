package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromptLookupTest {

    @Test
    void proposesWhatFollowedTheLatestEarlierOccurrenceOfTheLongestSuffix() {
        int[] h = {1, 2, 3, 9, 9, 5, 2, 3, 7, 8, 1, 2, 3};
        int[] out = new int[8];
        int n = PromptLookup.propose(h, h.length, 4, out);
        // "1 2 3" occurred at 0, followed by 9 9 5 2.
        assertThat(n).isEqualTo(4);
        assertThat(out).startsWith(9, 9, 5, 2);
        // With only "2 3" matching, the latest earlier occurrence (at 6) wins: 7 8 1.
        int[] h2 = {4, 2, 3, 5, 2, 3, 7, 8, 6, 2, 3};
        assertThat(PromptLookup.propose(h2, h2.length, 3, out)).isEqualTo(3);
        assertThat(out).startsWith(7, 8, 6);
    }

    @Test
    void proposesNothingWithoutARepeatedNgram() {
        int[] h = {1, 2, 3, 4, 5, 6, 3};
        assertThat(PromptLookup.propose(h, h.length, 4, new int[4])).isZero();
    }
}
