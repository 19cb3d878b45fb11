package dev.karuku.engine.llama;

import dev.karuku.engine.generation.SamplingParams;

import java.util.Arrays;
import java.util.SplittableRandom;

/// Proposes the tokens one pass of [SpeculativeGenerator] checks: a continuation found by [PromptLookup] when there is
/// one, else the draft model's next tokens (its most likely ones when the model decodes greedily, else drawn from its
/// own distribution, which is kept for the acceptance test). How many comes from each source's [DraftLength].
final class Proposer implements AutoCloseable {

    private final Speculation spec;
    private final SplittableRandom rng;
    private final Cancellation cancel;
    private final boolean greedy;
    private final Sampler draftSampler;
    private final float[][] q;
    private final int[] tokens;
    private int count;
    private boolean fromDraft;

    Proposer(Speculation spec, SamplingParams sampling, SplittableRandom rng, Cancellation cancel, int max, int nVocab) {
        this.spec = spec;
        this.rng = rng;
        this.cancel = cancel;
        this.greedy = sampling.isGreedy();
        this.tokens = new int[max];
        Context draft = spec.draft();
        if (draft == null) {
            draftSampler = null;
            q = null;
        } else if (greedy) {
            draftSampler = Sampler.create(draft.model(), SamplingParams.greedy().withoutPenalties());
            q = null;
        } else {
            draftSampler = Sampler.shaping(draft.model(), sampling, false);
            q = new float[max][nVocab];
        }
    }

    /// Proposes up to `room` tokens after `history[0, length)`; returns the [DraftLength] of the source that proposed
    /// them ([#count] tokens in [#tokens]), or null when nothing was proposed.
    DraftLength propose(int[] history, int length, int room) {
        count = 0;
        fromDraft = false;
        if (spec.lookup()) {
            int k = spec.length(spec.lookupLength, room);
            if (k > 0) count = PromptLookup.propose(history, length, k, tokens);
            if (count > 0) return spec.lookupLength;
        }
        if (draftSampler != null) {
            int k = spec.length(spec.draftLength, room);
            if (k <= 0) return null;
            long t0 = System.nanoTime();
            count = draft(history, length, k);
            spec.draftLength.recordProposal(count, System.nanoTime() - t0);
            fromDraft = true;
            if (count > 0) return spec.draftLength;
        }
        return null;
    }

    private int draft(int[] history, int length, int k) {
        Context d = spec.draft();
        int n = Math.min(k, d.size() - length);
        if (n <= 0) return 0;
        int[] h = Arrays.copyOf(history, length);
        int reused = d.reusePrefix(h); // the draft's cache follows the accepted text: rejected positions leave it here
        if (!d.evaluate(h, reused, length, cancel)) return 0;
        int made = 0;
        for (int j = 0; j < n; j++) {
            int t;
            if (greedy) {
                t = draftSampler.sample(d, -1);
            } else {
                draftSampler.distribution(d, -1, q[j]);
                t = SpeculativeGenerator.draw(q[j], rng);
            }
            tokens[j] = t;
            made = j + 1;
            if (j == n - 1 || d.model().isEndOfGeneration(t)) break;
            if (!d.evaluateOne(t, cancel)) break;
        }
        return made;
    }

    int count() {
        return count;
    }

    int[] tokens() {
        return tokens;
    }

    /// The distribution proposal `i` was drawn from; null when it was certain (prompt lookup, or greedy decoding).
    float[] distribution(int i) {
        return fromDraft && q != null ? q[i] : null;
    }

    @Override
    public void close() {
        if (draftSampler != null) draftSampler.close();
    }
}
