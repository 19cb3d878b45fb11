package dev.karuku.engine.llama;

/// What a pass of the model costs as the number of tokens in it grows: a one-token pass takes [#singleNanos], each
/// further token adds [#extra] of that. On a GPU, or on a CPU for a small batch, generation is bound by reading the
/// weights and extra tokens are nearly free; on a CPU, larger batches become bound by arithmetic. Measured as decoding
/// goes: the passes of several tokens give the extra cost, and now and then a one-token pass
/// ([#wantsCalibration]) keeps the base figure true while the machine's load changes.
final class PassCost {

    /// Passes between two one-token calibrations.
    static final int CALIBRATE_EVERY = 48;
    private static final double WEIGHT = 0.2;

    private double singleNanos;
    private double extra = 0.1;
    private int sinceCalibration;

    /// Whether the next pass should be a one-token pass, to measure it.
    boolean wantsCalibration() {
        return singleNanos <= 0 || sinceCalibration >= CALIBRATE_EVERY;
    }

    /// A pass of `tokens` tokens took `nanos`.
    void record(int tokens, long nanos) {
        if (tokens <= 0 || nanos <= 0) return;
        if (tokens == 1) {
            singleNanos = singleNanos <= 0 ? nanos : singleNanos + WEIGHT * (nanos - singleNanos);
            sinceCalibration = 0;
            return;
        }
        sinceCalibration++;
        if (singleNanos <= 0) return;
        double e = (nanos / singleNanos - 1) / (tokens - 1);
        extra += WEIGHT * (Math.clamp(e, 0.0, 3.0) - extra);
    }

    double singleNanos() {
        return singleNanos;
    }

    /// Cost of each token beyond the first in a pass, relative to a one-token pass.
    double extra() {
        return extra;
    }
}
