package dev.karuku.cli.bench;

/// The prompt every engine in the benchmark evaluates, as token ids, so tokenizers play no part and each engine
/// does exactly the same work. The peers' harnesses (`benchmarks/node-llama-cpp/bench.mjs`,
/// `benchmarks/kherud-llama`) and the C reference loop (`benchmarks/native/bench.c`) use this same formula.
public final class PromptTokens {

    private PromptTokens() {}

    /// `n` ids spread over ordinary tokens: `300 + (i·7919 + 13) mod 30000` when the vocabulary has at least 30,300
    /// tokens (past the special and byte tokens of both real and synthetic vocabularies), else cycling from id 3.
    public static int[] ids(int n, int vocab) {
        if (n < 1) throw new IllegalArgumentException("the prompt needs at least one token: " + n);
        if (vocab < 4) throw new IllegalArgumentException("vocabulary too small: " + vocab);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = vocab >= 30_300 ? (int) (300 + (i * 7919L + 13) % 30_000) : 3 + i % (vocab - 3);
        return ids;
    }
}
