package dev.karuku.engine.llama;

/// Chooses how many threads decode the next token, from how long recent tokens took with each count.
///
/// ggml's workers wait for each other at every step of a token by spinning, so when another process takes one of
/// their cores, the thread that loses its core holds the others up and all of them burn their time waiting; with
/// fewer threads than cores a token is slower on an idle machine but far faster on a busy one (figures in
/// docs/benchmarks.md). Load changes while a reply runs and the OS does not say what the spinning costs, so the
/// tuner measures it: it decodes with the current count and now and then tries another count for a token or two
/// (a probe), moving there when that was clearly faster.
///
/// What a probe may cost is bounded: it ends after one token that is clearly slower, and the next probe waits until
/// this one's extra time is at most [#PROBE_BUDGET] of the time decoded since, longer after each probe that changed
/// nothing. So an idle machine loses almost nothing to probing, and a machine where the other count is very slow
/// does not pay for it again and again. A sudden change in token time (load came or went) probes at once, in the
/// direction the change points to: tokens that got slower try fewer threads, faster ones more. On one thread with
/// every core busy, token times swing with the scheduler's time slices; those swings must not send probes to a
/// count that spins at every barrier (measured: they halved the speed against a fixed `--threads 1`).
///
/// Pure and single-threaded: [#next()] before a token, [#record] after it.
final class ThreadTuner {

    /// Tokens one probe decodes with the other count, at most.
    static final int PROBE_TOKENS = 2;
    /// Tokens between two probes, at least.
    static final int MIN_INTERVAL = 16;
    /// Probes may cost this fraction of the decoding time between them (before the back-off).
    static final double PROBE_BUDGET = 0.02;
    /// Each probe that changes nothing doubles the wait before the next, up to this factor.
    static final int MAX_BACKOFF = 8;
    /// A probed count must be this much faster (its token time at most this fraction) to take over.
    static final double SWITCH_FRACTION = 0.9;
    /// A probe token this much slower than the current estimate ends the probe: it cannot win.
    static final double GIVE_UP_FACTOR = 1.5;
    /// Token times this far off the current estimate, twice in a row, mean the load changed: probe now.
    static final double CHANGE_FACTOR = 1.4;
    /// Probes for a change in token time may cost this fraction of the time since the last such probe that found
    /// nothing (times the change back-off, which doubles with each): a change is answered within a few tokens, a swing that keeps coming back is not
    /// answered again and again.
    static final double CHANGE_PROBE_BUDGET = 0.05;
    /// Weight of the newest token in the running estimate.
    static final double ALPHA = 0.25;

    private final int max;
    private int current;
    private double estimate = Double.NaN; // nanoseconds per token at `current`
    private long clock;                   // nanoseconds of all tokens recorded
    private long nextProbeAt;             // clock value before which no probe starts
    private int sinceProbe;
    private int backoff = 1;
    private int offStreak;
    private int offDirection;             // +1: the off tokens were slower than the estimate, -1: faster
    private long nextChangeProbeAt;       // clock value before which a change in token time does not probe
    private int changeBackoff = 1;
    private boolean probeForChange;       // the probe under way answers a change in token time
    private boolean downNext = true;
    private int depth = 1;                // how far below `current` the next downward probe goes
    private int probe;                    // the count being probed; 0 = none
    private int probeDone;
    private long probeSum;

    /// @param max the most threads (the physical cores); the tuner starts there
    ThreadTuner(int max) {
        if (max < 1) throw new IllegalArgumentException("max threads must be at least 1: " + max);
        this.max = max;
        this.current = max;
    }

    /// Threads for the next token.
    int next() {
        if (probe != 0) return probe;
        if (max == 1 || Double.isNaN(estimate)) return current;
        boolean change = loadChanged() && clock >= nextChangeProbeAt;
        if (change || (sinceProbe >= MIN_INTERVAL && clock >= nextProbeAt)) {
            probeForChange = change;
            probe = target();
            probeDone = 0;
            probeSum = 0;
            return probe;
        }
        return current;
    }

    /// The time one token took with `threads` threads.
    void record(int threads, long nanos) {
        clock += nanos;
        if (probe != 0 && threads == probe) {
            probeSum += nanos;
            probeDone++;
            if (probeDone >= PROBE_TOKENS || nanos > estimate * GIVE_UP_FACTOR) finishProbe();
            return;
        }
        if (threads != current) return; // a token from before a switch says nothing about the current count
        sinceProbe++;
        if (Double.isNaN(estimate)) {
            estimate = nanos;
            return;
        }
        int direction = nanos > estimate * CHANGE_FACTOR ? 1 : nanos * CHANGE_FACTOR < estimate ? -1 : 0;
        offStreak = direction == 0 ? 0 : direction == offDirection ? offStreak + 1 : 1;
        offDirection = direction;
        if (offStreak >= 2) estimate = nanos; // a new regime: the old average no longer applies
        else estimate += ALPHA * (nanos - estimate);
    }

    /// Threads in use outside probes.
    int current() {
        return current;
    }

    /// Token times moved, twice the same way, and there is a count that way to try.
    private boolean loadChanged() {
        return offStreak >= 2 && (offDirection > 0 ? current > 1 : current < max);
    }

    private void finishProbe() {
        double probed = (double) probeSum / probeDone;
        boolean loadChanged = offStreak >= 2;
        if (probed < estimate * SWITCH_FRACTION) {
            downNext = probe < current; // keep going the way that paid
            current = probe;
            estimate = probed;
            backoff = 1;
            depth = 1;
            nextProbeAt = clock;
            nextChangeProbeAt = clock;
            changeBackoff = 1;
        } else {
            boolean wentDown = probe < current;
            // Not slower either: a plateau (another busy core?) that a count further down may get past.
            depth = wentDown && probed <= estimate / SWITCH_FRACTION && probe > 1 ? depth + 1 : 1;
            if (current > 1 && current < max) downNext = !downNext;
            if (loadChanged) backoff = 1;
            double excess = Math.max(0, probeSum - estimate * probeDone);
            nextProbeAt = clock + Math.round(excess / PROBE_BUDGET * backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF);
            if (probeForChange) { // only a change that led nowhere holds the next one back
                nextChangeProbeAt = clock + Math.round(excess / CHANGE_PROBE_BUDGET * changeBackoff);
                changeBackoff = Math.min(changeBackoff * 2, 2 * MAX_BACKOFF);
            }
        }
        probe = 0;
        sinceProbe = 0;
        offStreak = 0;
        offDirection = 0;
    }

    private int target() {
        boolean down = loadChanged() ? offDirection > 0 : current == max || (current > 1 && downNext);
        return down ? Math.max(1, current - depth) : current + 1;
    }
}
