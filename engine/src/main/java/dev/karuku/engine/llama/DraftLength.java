package dev.karuku.engine.llama;

/// How many tokens to propose next, chosen from what proposing and checking have cost and how many proposals the
/// model accepted lately: the length that maximises tokens gained per unit of time. A proposer that keeps failing
/// gets length 0 (plain decoding, no cost) and an occasional one-token probe, so it costs next to nothing; one that
/// keeps succeeding gets the longest length the pass cost makes worth it.
///
/// With per-token acceptance probability `a`, proposing `k` tokens yields on average `(1 - a^(k+1)) / (1 - a)` tokens
/// per pass (the accepted run plus the model's own next token), for a cost of one pass of `k + 1` tokens
/// (measured in one-token passes, see [PassCost]) plus `k` proposals (`draftCost` each, same unit).
final class DraftLength {

    /// Rounds at length 0 between two probes.
    static final int PROBE_EVERY = 16;
    /// Weight of the newest observation in the running estimates.
    private static final double WEIGHT = 0.15;

    private final int max;
    private final PassCost pass;
    private double acceptance = 0.6;
    private double draftCost;
    private int idle;
    /// Length of the next probe: doubles after a probe accepted whole, back to one after a rejection, so a draft that
    /// turns out to be good is soon trusted with the long passes that pay off on a CPU, and a bad one costs one
    /// token per probe.
    private int probeLength = 1;
    private boolean probing;

    /// @param max            the most tokens proposed per pass
    /// @param draftCostGuess cost of proposing one token relative to a one-token pass of the model, until measured
    DraftLength(int max, double draftCostGuess, PassCost pass) {
        this.max = max;
        this.draftCost = draftCostGuess;
        this.pass = pass;
    }

    /// The number of tokens to propose now, at most `limit`.
    int next(int limit) {
        int cap = Math.min(max, limit);
        if (cap <= 0) return 0;
        int best = 0;
        double bestRate = 1; // length 0: one token per one-token pass
        for (int k = 1; k <= cap; k++) {
            double rate = expectedTokens(k) / (pass.cost(k + 1) + draftCost * k);
            if (rate > bestRate) {
                bestRate = rate;
                best = k;
            }
        }
        probing = false;
        if (best > 0) {
            idle = 0;
            return best;
        }
        if (!worthItIfAlwaysRight(cap)) probeLength = 1; // even a perfect proposer would not pay: no hurry
        if (++idle >= PROBE_EVERY || probeLength > 1) {
            idle = 0;
            probing = true;
            return Math.min(probeLength, cap);
        }
        return 0;
    }

    private boolean worthItIfAlwaysRight(int cap) {
        for (int k = 1; k <= cap; k++) if ((k + 1) / (pass.cost(k + 1) + draftCost * k) > 1) return true;
        return false;
    }

    private double expectedTokens(int k) {
        double a = Math.min(acceptance, 0.999);
        return (1 - Math.pow(a, k + 1)) / (1 - a);
    }

    /// What became of `proposed` tokens: the first `accepted` were taken; the one after them (if any) was not, and
    /// those after it were never looked at.
    void recordOutcome(int proposed, int accepted) {
        if (probing) probeLength = accepted == proposed && proposed > 0 ? Math.min(max, probeLength * 2) : 1;
        probing = false;
        for (int i = 0; i < accepted; i++) acceptance += WEIGHT * (1 - acceptance);
        if (accepted < proposed) acceptance -= WEIGHT * acceptance;
    }

    /// Proposing `proposed` tokens took `nanos`.
    void recordProposal(int proposed, long nanos) {
        if (proposed <= 0 || pass.singleNanos() <= 0) return;
        double cost = nanos / (double) proposed / pass.singleNanos();
        draftCost += WEIGHT * (Math.min(cost, 10) - draftCost);
    }

    /// Replaces the guessed cost of a proposal (before anything is measured).
    void recordGuess(double cost) {
        draftCost = Math.clamp(cost, 0.0, 10.0);
    }

    /// The current estimate of the chance that a proposed token is accepted.
    double acceptance() {
        return acceptance;
    }

    double draftCost() {
        return draftCost;
    }
}
