package dev.karuku.engine.generation;

/// Timings of one generation.
///
/// @param promptTokens      prompt tokens evaluated by this generation (excludes tokens reused from the KV cache)
/// @param reusedTokens      prompt tokens already in the KV cache and not evaluated again
/// @param promptNanos       time evaluating the prompt
/// @param generatedTokens   tokens sampled
/// @param generationNanos   time spent after the prompt: sampling, evaluating and detokenizing the generated tokens
/// @param firstTokenNanos   time from the start to the first token's text (0 when nothing was generated)
public record GenerationStats(int promptTokens, int reusedTokens, long promptNanos, int generatedTokens,
                              long generationNanos, long firstTokenNanos) {

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
