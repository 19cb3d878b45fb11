package dev.karuku.engine.generation;

/// Timings of one generation.
///
/// @param promptTokens      prompt tokens evaluated by this generation (excludes tokens reused from the KV cache)
/// @param reusedTokens      prompt tokens already in the KV cache and not evaluated again
/// @param promptNanos       time evaluating the prompt
/// @param generatedTokens   tokens sampled
/// @param generationNanos   time spent after the prompt: sampling, evaluating and detokenizing the generated tokens
/// @param firstTokenNanos   time from the start to the first token's text (0 when nothing was generated)
/// @param draftedTokens     tokens proposed by speculative decoding (a draft model or prompt lookup); 0 without it
/// @param acceptedTokens    proposed tokens the model agreed with (part of `generatedTokens`)
/// @param modelPasses       evaluations of the generated tokens by the model: one per token without speculation,
///                          fewer with it (each pass checks several proposals); 0 when not counted
public record GenerationStats(int promptTokens, int reusedTokens, long promptNanos, int generatedTokens,
                              long generationNanos, long firstTokenNanos, int draftedTokens, int acceptedTokens,
                              int modelPasses) {

    /// Without speculative decoding.
    public GenerationStats(int promptTokens, int reusedTokens, long promptNanos, int generatedTokens,
                           long generationNanos, long firstTokenNanos) {
        this(promptTokens, reusedTokens, promptNanos, generatedTokens, generationNanos, firstTokenNanos, 0, 0, 0);
    }

    /// Share of proposed tokens the model accepted (0 when nothing was proposed).
    public double acceptanceRate() {
        return draftedTokens == 0 ? 0 : (double) acceptedTokens / draftedTokens;
    }

    /// Generated tokens per evaluation by the model: what speculation saved (1 without it). The time saved is less,
    /// since a pass that checks several tokens costs a little more and the draft costs something too.
    public double tokensPerPass() {
        return modelPasses == 0 ? 1 : (double) generatedTokens / modelPasses;
    }

    public double promptTokensPerSecond() {
        return rate(promptTokens, promptNanos);
    }

    /// Generation speed: generated tokens over the time spent sampling and evaluating them (prompt excluded).
    public double tokensPerSecond() {
        return rate(generatedTokens, generationNanos);
    }

    public double timeToFirstTokenMillis() {
        return firstTokenNanos / 1e6;
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }
}
