package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// The draft length follows the acceptance: long for a draft the model agrees with, nothing (but a rare probe) for
/// one it never agrees with, and back up when a failing draft starts to agree again.
class DraftLengthTest {

    private static PassCost measuredPass(double extra) {
        PassCost p = new PassCost();
        p.record(1, 1_000_000);
        p.record(9, (long) (1_000_000 * (1 + 8 * extra)));
        return p;
    }

    @Test
    void aDraftThatIsAlwaysRightGetsTheLongestLength() {
        DraftLength d = new DraftLength(16, 0.01, measuredPass(0.05));
        for (int i = 0; i < 40; i++) d.recordOutcome(d.next(100), d.next(100));
        assertThat(d.next(100)).isEqualTo(16);
        assertThat(d.next(5)).as("never past the room left").isEqualTo(5);
    }

    @Test
    void aDraftThatIsAlwaysWrongIsOnlyProbed() {
        DraftLength d = new DraftLength(16, 0.05, measuredPass(0.1));
        int proposed = 0;
        for (int i = 0; i < 320; i++) {
            int k = d.next(100);
            proposed += k;
            d.recordOutcome(k, 0);
        }
        assertThat(proposed).as("tokens proposed in 320 steps").isLessThan(40);
        // It recovers when the draft starts agreeing.
        int k = 0;
        for (int i = 0; i < 200 && k < 4; i++) {
            k = d.next(100);
            d.recordOutcome(k, k);
        }
        assertThat(k).isGreaterThanOrEqualTo(4);
    }

    @Test
    void costlyPassesShortenTheDraft() {
        DraftLength cheap = new DraftLength(16, 0.01, measuredPass(0.02));
        DraftLength costly = new DraftLength(16, 0.01, measuredPass(0.6));
        for (int i = 0; i < 30; i++) {
            cheap.recordOutcome(4, 3);
            costly.recordOutcome(4, 3);
        }
        assertThat(costly.next(100)).isLessThan(cheap.next(100));
    }

    @Test
    void aGoodDraftIsSoonTrustedWithLongPassesWhenOnlyLongPassesPay() {
        // As seen on a busy 2-core CPU: a pass of 2 tokens costs 1.9 one-token passes, one of 17 costs 6.6.
        PassCost p = new PassCost();
        p.record(1, 1_000_000);
        p.record(2, 1_900_000);
        p.record(4, 3_300_000);
        p.record(17, 6_600_000);
        DraftLength d = new DraftLength(16, 0.01, p);
        int steps = 0, k = 0;
        while (k < 16 && steps < 40) {
            k = d.next(100);
            d.recordOutcome(k, k);
            steps++;
        }
        assertThat(k).isEqualTo(16);
        assertThat(steps).as("steps until the longest length").isLessThanOrEqualTo(PROBE_STEPS);
    }

    private static final int PROBE_STEPS = DraftLength.PROBE_EVERY + 8;
}
