package dev.karuku.cli.bench;

/// One timed request, measured the same way for every engine:
/// the clock starts when the prompt's token ids are handed over and `ttftSeconds` is when the first generated
/// token comes back (prompt evaluation + first sampling); `decodeSeconds` is from that first token to the last one.
///
/// @param promptTokens    prompt tokens evaluated (no cache reuse between runs)
/// @param ttftSeconds     time to first token
/// @param generatedTokens tokens received, the first one included
/// @param decodeSeconds   time from the first token to the last
public record RunSample(int promptTokens, double ttftSeconds, int generatedTokens, double decodeSeconds) {

    public RunSample {
        if (promptTokens < 1 || generatedTokens < 1) throw new IllegalArgumentException("a run needs a prompt and a token");
        if (!(ttftSeconds > 0) || decodeSeconds < 0) throw new IllegalArgumentException("times must be positive");
    }

    /// Prompt processing: prompt tokens over the time to first token (one sampling included, which is noise next to
    /// a prompt's evaluation).
    public double promptTokensPerSecond() {
        return promptTokens / ttftSeconds;
    }

    /// Generation: each token after the first costs one decode of the previous token plus one sampling, so
    /// `generated - 1` tokens over the time between the first and the last. NaN with fewer than two tokens.
    public double decodeTokensPerSecond() {
        return generatedTokens < 2 || decodeSeconds <= 0 ? Double.NaN : (generatedTokens - 1) / decodeSeconds;
    }
}
