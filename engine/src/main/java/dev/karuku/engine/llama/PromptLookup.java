package dev.karuku.engine.llama;

/// Proposals from the conversation itself: when the last few tokens occurred before, the tokens that followed them
/// then are proposed now. Answers that quote, summarise, correct or reformat their prompt (code edits, extraction,
/// translations of names) repeat long runs of it, and proposing them costs nothing but the check.
final class PromptLookup {

    /// Longest and shortest n-gram looked for; longer matches are tried first (they predict better).
    static final int MAX_NGRAM = 4;
    static final int MIN_NGRAM = 2;

    private PromptLookup() {}

    /// Writes into `out` up to `k` tokens that followed the latest earlier occurrence of the longest suffix of
    /// `history[0, length)` found again (`MAX_NGRAM` down to `MIN_NGRAM` tokens); returns how many (0: no match).
    static int propose(int[] history, int length, int k, int[] out) {
        for (int n = Math.min(MAX_NGRAM, length - 1); n >= MIN_NGRAM; n--) {
            int suffix = length - n;
            for (int start = suffix - 1; start >= 0; start--) {
                if (!matches(history, start, suffix, n)) continue;
                int from = start + n;
                int m = Math.min(k, length - from);
                System.arraycopy(history, from, out, 0, m);
                if (m > 0) return m;
            }
        }
        return 0;
    }

    private static boolean matches(int[] h, int a, int b, int n) {
        for (int i = 0; i < n; i++) if (h[a + i] != h[b + i]) return false;
        return true;
    }
}
