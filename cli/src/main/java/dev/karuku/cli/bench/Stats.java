package dev.karuku.cli.bench;

import java.util.Arrays;

/// Order statistics for benchmark samples. Medians, not means: one run disturbed by another process on a
/// 2-core machine must not move the reported number.
public final class Stats {

    private Stats() {}

    /// The median (mean of the two middle values for an even count); NaN for no values.
    public static double median(double... values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /// The `p`-th percentile (0–100) by the nearest-rank method: the smallest value with at least p% of the values
    /// at or below it, so p99 of 100 frame times is the second-worst frame. NaN for no values.
    public static double percentile(double[] values, double p) {
        if (p < 0 || p > 100) throw new IllegalArgumentException("percentile must be within 0..100: " + p);
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, rank - 1)];
    }
}
