package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/// The thread choice against token times shaped like those measured on a 2-core machine with the 1B-shape
/// Q4_K_M model (docs/benchmarks.md): idle, two threads take 40 ms a token and one 75 ms; with other programs on
/// the cores, two threads take 100–200 ms (spinning workers wait for the one that lost its core) and one 80 ms.
class ThreadTunerTest {

    static final long MS = 1_000_000;
    static final IntToLongFunction IDLE = n -> n == 2 ? 40 * MS : 75 * MS;
    static final IntToLongFunction ONE_CORE_BUSY = n -> n == 2 ? 100 * MS : 78 * MS;
    static final IntToLongFunction BOTH_BUSY = n -> n == 2 ? 190 * MS : 115 * MS;

    /// Decodes `tokens` tokens at `speed`; returns the total time and counts the tokens per thread count.
    static long run(ThreadTuner t, IntToLongFunction speed, int tokens, int[] perCount) {
        long total = 0;
        for (int i = 0; i < tokens; i++) {
            int n = t.next();
            long nanos = speed.applyAsLong(n);
            t.record(n, nanos);
            total += nanos;
            if (perCount != null) perCount[n]++;
        }
        return total;
    }

    @Test
    void anIdleMachineKeepsEveryCoreAndLosesUnderTwoPercentToProbes() {
        ThreadTuner t = new ThreadTuner(2);
        int[] perCount = new int[3];
        long total = run(t, IDLE, 2000, perCount);
        assertThat(t.current()).isEqualTo(2);
        assertThat(total).isLessThan(Math.round(2000 * 40 * MS * 1.02));
        assertThat(perCount[1]).isLessThan(40);
    }

    @Test
    void aBusyCoreMovesGenerationToFewerThreadsWithinTheFirstTokens() {
        ThreadTuner t = new ThreadTuner(2);
        run(t, ONE_CORE_BUSY, 20, null);
        assertThat(t.current()).isEqualTo(1);
        int[] perCount = new int[3];
        long total = run(t, ONE_CORE_BUSY, 1000, perCount);
        assertThat(t.current()).isEqualTo(1);
        // Probing the busy two-thread count now and then costs little against always using it (100 ms a token).
        assertThat(total).isLessThan(Math.round(1000 * 78 * MS * 1.05));
    }

    @Test
    void theChoiceFollowsTheLoadWhileAReplyRuns() {
        ThreadTuner t = new ThreadTuner(2);
        run(t, IDLE, 100, null);
        assertThat(t.current()).isEqualTo(2);
        run(t, BOTH_BUSY, 10, null); // a sudden slowdown probes at once
        assertThat(t.current()).isEqualTo(1);
        run(t, IDLE, 40, null); // the load went away: the next upward probe finds it
        assertThat(t.current()).isEqualTo(2);
        run(t, ONE_CORE_BUSY, 10, null);
        assertThat(t.current()).isEqualTo(1);
    }

    @Test
    void noisyTokenTimesStillSettleOnTheFasterCount() {
        Random random = new Random(7);
        // Two threads under load: usually slow, sometimes fast when the other program happens to sleep.
        IntToLongFunction noisyBusy = n -> n == 2
                ? (random.nextInt(4) == 0 ? 45 : 90 + random.nextInt(150)) * MS
                : (75 + random.nextInt(15)) * MS;
        ThreadTuner t = new ThreadTuner(2);
        int[] perCount = new int[3];
        run(t, noisyBusy, 1000, perCount);
        assertThat(perCount[1]).isGreaterThan(850);
    }

    @Test
    void withEveryCoreBusyTheSchedulersSwingsOnOneThreadDoNotSendItBackToTwo() {
        Random random = new Random(11);
        // Two other programs on both cores: one thread gets time slices, so its tokens take 60–200 ms in no order;
        // two threads spin at every barrier for a descheduled peer: 300–1500 ms (measured on this kind of machine:
        // a fixed --threads 1 made 11 tok/s where the tuner, probing two threads at every swing, made 6).
        IntToLongFunction swinging = n -> n == 2 ? (300 + random.nextInt(1200)) * MS : (random.nextBoolean() ? 60 : 200) * MS;
        ThreadTuner t = new ThreadTuner(2);
        run(t, swinging, 40, null);
        assertThat(t.current()).isEqualTo(1);
        int[] perCount = new int[3];
        long total = run(t, swinging, 1000, perCount);
        long oneThreadAlone = 1000 * 130 * MS; // the mean of the one-thread times
        assertThat(total).as("%d tokens at two threads", perCount[2]).isLessThan(Math.round(oneThreadAlone * 1.05));
    }

    @Test
    void withMoreCoresItStepsDownOneThreadAtATime() {
        // 8 cores, two of them busy: 6 threads is fastest, 8 and 7 spin on the busy cores, fewer just lack cores.
        IntToLongFunction speed = n -> n >= 7 ? 60 * MS : Math.round(36 * MS * 6.0 / n);
        ThreadTuner t = new ThreadTuner(8);
        int[] perCount = new int[9];
        run(t, speed, 400, perCount);
        assertThat(t.current()).isEqualTo(6);
        assertThat(perCount[6]).isGreaterThan(300);
    }

    @Test
    void oneThreadNeverProbes() {
        ThreadTuner t = new ThreadTuner(1);
        int[] perCount = new int[2];
        run(t, n -> 50 * MS, 500, perCount);
        assertThat(perCount[1]).isEqualTo(500);
    }
}
