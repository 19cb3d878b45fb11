package dev.karuku.engine.quality;

/// The arithmetic of perplexity and KL divergence over one position's logits, in double precision.
final class Scoring {

    private Scoring() {}

    /// Writes `log softmax(logits)` into `out` (same length).
    static void logSoftmax(float[] logits, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double logZ = max + Math.log(sum);
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - logZ;
    }

    /// KL(P_ref ‖ P_model) = Σ p_ref · (log p_ref − log p_model), from the two log-probability rows.
    static double kld(double[] logRef, double[] logModel) {
        double sum = 0;
        for (int i = 0; i < logRef.length; i++) {
            double p = Math.exp(logRef[i]);
            if (p > 0) sum += p * (logRef[i] - logModel[i]);
        }
        return Math.max(0, sum); // rounding can leave a tiny negative for identical rows
    }

    static int argmax(double[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    /// The value at quantile `q` (0–1) of `sorted`, by the nearest rank below.
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.floor(q * (sorted.length - 1));
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
