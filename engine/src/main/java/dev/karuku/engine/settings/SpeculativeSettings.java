package dev.karuku.engine.settings;

import java.nio.file.Path;
import java.util.Optional;

/// Speculative decoding for a loaded model: tokens proposed by a small draft model that shares the model's vocabulary,
/// and/or by prompt lookup (continuations of n-grams that already occur in the conversation), checked by the model
/// several at a time. The output is the model's own: identical token for token when greedy, and drawn from the model's
/// own distribution when sampling. A plain value, so a load request, the command line and a worker process can carry it.
///
/// @param draft    the draft model's GGUF file, or null for none
/// @param draftMax the most tokens proposed per step; the engine drafts fewer while few are accepted (none when the
///                 proposals keep failing, apart from an occasional probe)
/// @param lookup   propose continuations found in the conversation so far (prompt lookup)
public record SpeculativeSettings(Path draft, int draftMax, boolean lookup) {

    /// Proposals per step unless told otherwise.
    public static final int DEFAULT_DRAFT_MAX = 16;

    /// No speculation.
    public static final SpeculativeSettings OFF = new SpeculativeSettings(null, DEFAULT_DRAFT_MAX, false);

    public SpeculativeSettings {
        if (draftMax < 1 || draftMax > 64) throw new IllegalArgumentException("draft max must be between 1 and 64, got " + draftMax);
    }

    public Optional<Path> draftModel() {
        return Optional.ofNullable(draft);
    }

    /// Whether anything proposes tokens.
    public boolean enabled() {
        return draft != null || lookup;
    }

    public SpeculativeSettings withDraft(Path file) {
        return new SpeculativeSettings(file, draftMax, lookup);
    }

    public SpeculativeSettings withDraftMax(int n) {
        return new SpeculativeSettings(draft, n, lookup);
    }

    public SpeculativeSettings withLookup(boolean on) {
        return new SpeculativeSettings(draft, draftMax, on);
    }
}
