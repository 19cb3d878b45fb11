package dev.karuku.engine.llama;

/// What a pass of the model costs as the number of tokens in it grows, relative to a one-token pass. On a GPU, or on a
/// CPU for a few tokens, generation is bound by reading the weights and extra tokens are nearly free; on a CPU, larger
/// passes become bound by arithmetic, and the cost per token falls again as the batch kernels get going — so the cost
/// is measured per pass size, not assumed linear. Sizes not yet measured are interpolated between measured ones, or
/// guessed optimistically past the largest (a little above it), so they get tried once and measured. Now and then a one-token pass
/// ([#wantsCalibration]) keeps the base figure true while the machine's load changes.
final class PassCost {

    /// Passes between two one-token calibrations.
    static final int CALIBRATE_EVERY = 48;
    /// The guessed cost of each token beyond what has been measured, relative to a one-token pass.
    static final double GUESSED_EXTRA = 0.1;
    /// The largest pass measured; larger ones cost as this one per token.
    static final int MAX_TOKENS = 65;
    private static final double WEIGHT = 0.25;

    private double singleNanos;
    private final double[] relative = new double[MAX_TOKENS + 1];
    private int sinceCalibration;

    /// Whether the next pass should be a one-token pass, to measure it.
    boolean wantsCalibration() {
        return singleNanos <= 0 || sinceCalibration >= CALIBRATE_EVERY;
    }

    /// A pass of `tokens` tokens took `nanos`.
    void record(int tokens, long nanos) {
        if (tokens <= 0 || nanos <= 0 || tokens > MAX_TOKENS) return;
        if (tokens == 1) {
            singleNanos = singleNanos <= 0 ? nanos : singleNanos + WEIGHT * (nanos - singleNanos);
            sinceCalibration = 0;
            return;
        }
        sinceCalibration++;
        if (singleNanos <= 0) return;
        double r = Math.clamp(nanos / singleNanos, 0.5, 4.0 * tokens);
        relative[tokens] = relative[tokens] == 0 ? r : relative[tokens] + WEIGHT * (r - relative[tokens]);
    }

    double singleNanos() {
        return singleNanos;
    }

    /// The cost of a pass of `tokens` tokens, in one-token passes.
    double cost(int tokens) {
        if (tokens <= 1) return 1;
        int t = Math.min(tokens, MAX_TOKENS);
        if (relative[t] > 0) return relative[t];
        int below = 1;
        double low = 1;
        for (int m = t - 1; m >= 2; m--) {
            if (relative[m] > 0) {
                below = m;
                low = relative[m];
                break;
            }
        }
        for (int m = t + 1; m <= MAX_TOKENS; m++) {
            if (relative[m] > 0) return low + (relative[m] - low) * (t - below) / (m - below); // between two measured
        }
        return low + GUESSED_EXTRA * (t - below);
    }
}
