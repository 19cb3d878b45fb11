package dev.karuku.app.bench;

import dev.karuku.cli.bench.Stats;
import java.util.List;

/// What one streamed reply did to the frame rate. Frame time = the interval between two consecutive pulses. A pulse
/// is dropped when an interval is longer than 1.5 pulse periods; `missingPulses` counts the pulses that would have
/// fitted in those intervals (an interval of 3 periods misses 2).
///
/// @param tokensSent    tokens the source handed over
/// @param tokensShown   of those, how many are in the answer, from the start, in order
/// @param rendered      the visible Markdown shows every letter and digit sent, in order
/// @param seenStreaming of the replies, how many were on screen halfway through, drawn as far as they had come (90% of
///                      the letters and digits, or more): frames of an answer streaming unseen cost nothing to draw
record FrameStats(int replies, int seenStreaming, double seconds, double tokensPerSecond, int tokensSent, int tokensShown, boolean rendered, int frames,
                  double p50Ms, double p95Ms, double p99Ms, double maxMs, int droppedPulses, int missingPulses,
                  double longestStallMs, double pulsePeriodMs) {

    static FrameStats of(ChatStreamHarness.Measurement m, int seenStreaming, List<String> pieces, double pulsePeriodMs) {
        long[] p = m.pulses();
        double[] ms = new double[Math.max(0, p.length - 1)];
        for (int i = 1; i < p.length; i++) ms[i - 1] = (p[i] - p[i - 1]) / 1e6;
        int dropped = 0;
        int missing = 0;
        for (double t : ms) {
            if (t > 1.5 * pulsePeriodMs) {
                dropped++;
                missing += Math.max(1, (int) Math.round(t / pulsePeriodMs) - 1);
            }
        }
        double seconds = m.streamNanos() / 1e9;
        double max = 0;
        for (double t : ms) max = Math.max(max, t);
        return new FrameStats(m.replies().size(), seenStreaming, seconds, m.tokensSent() / seconds, m.tokensSent(), m.tokensShown(pieces),
                m.rendered().equals(m.expectedRendered()), p.length, Stats.percentile(ms, 50), Stats.percentile(ms, 95),
                Stats.percentile(ms, 99), max, dropped, missing, m.longestStall() / 1e6, pulsePeriodMs);
    }

    String tableRow(String label) {
        return "| %s | %d × %d | %d / %d | %.0f | %d / %d%s | %d | %.1f | %.1f | %.1f | %.1f | %d (%d missing) | %.1f |".formatted(
                label, replies, tokensSent / replies, seenStreaming, replies, tokensPerSecond, tokensShown, tokensSent, rendered ? "" : " (view incomplete)", frames,
                p50Ms, p95Ms, p99Ms, maxMs, droppedPulses, missingPulses, longestStallMs);
    }

    static String tableHeader() {
        return """
                | run | replies × tokens | seen streaming | tok/s | shown / sent | frames | p50 ms | p95 ms | p99 ms | max ms | dropped pulses | longest FX stall ms |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|""";
    }
}
