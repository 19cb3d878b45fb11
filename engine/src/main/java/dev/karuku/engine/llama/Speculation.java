package dev.karuku.engine.llama;

import dev.karuku.engine.settings.SpeculativeSettings;

/// Speculative decoding for one [Context] ([Context#useSpeculation]): what proposes tokens — a draft model's own
/// context, prompt lookup, or both — and what has been learnt about them (acceptance, cost), which carries over from
/// one generation to the next as a chat goes on.
///
/// When both are on, a continuation found by prompt lookup is proposed first (it costs nothing to find) and the draft
/// model fills in otherwise. Proposals are checked by the model in one pass ([SpeculativeGenerator]); the draft
/// model's context follows the text the model accepted, dropping the rejected positions like the model's own.
public final class Speculation {

    private final Context draft;
    private final SpeculativeSettings settings;
    final PassCost pass = new PassCost();
    final DraftLength lookupLength;
    final DraftLength draftLength;
    /// False proposes the most tokens every time (tests of exactness, where the draft is as costly as the model).
    private boolean adaptive = true;

    /// @param draft    the draft model's context (its model must share the vocabulary: [VocabularyMatch]), or null
    /// @param settings the most tokens per proposal, and whether prompt lookup is on
    private Speculation(Context draft, SpeculativeSettings settings) {
        if (draft == null && !settings.lookup()) throw new IllegalArgumentException("nothing to propose tokens: no draft model and no prompt lookup");
        this.draft = draft;
        this.settings = settings;
        this.lookupLength = new DraftLength(settings.draftMax(), 0.0, pass);
        this.draftLength = draft == null ? null : new DraftLength(settings.draftMax(), 0.05, pass);
    }

    /// Guesses the draft's cost per token from the two models' sizes (generation reads every weight once), until it is
    /// measured.
    public static Speculation of(Context target, Context draft, SpeculativeSettings settings) {
        Speculation s = new Speculation(draft, settings);
        if (draft != null && s.draftLength != null) {
            double ratio = (double) draft.model().info().sizeBytes() / Math.max(1, target.model().info().sizeBytes());
            s.draftLength.recordGuess(ratio);
        }
        return s;
    }

    /// Proposes [SpeculativeSettings#draftMax()] tokens at every step, whatever they cost and however many are
    /// accepted: for tests whose draft model is no cheaper than the model.
    void alwaysProposeTheMost() {
        adaptive = false;
    }

    /// The tokens to propose now from a source: what its [DraftLength] chooses, at most `room`.
    int length(DraftLength source, int room) {
        return adaptive ? source.next(room) : Math.max(0, Math.min(settings.draftMax(), room));
    }

    /// Whether the next pass should check no proposals, to measure a pass of one token.
    boolean wantsCalibration() {
        return adaptive && pass.wantsCalibration();
    }

    /// The draft model's context, or null.
    Context draft() {
        return draft;
    }

    public SpeculativeSettings settings() {
        return settings;
    }

    public boolean lookup() {
        return settings.lookup();
    }

    public boolean hasDraftModel() {
        return draft != null;
    }
}
