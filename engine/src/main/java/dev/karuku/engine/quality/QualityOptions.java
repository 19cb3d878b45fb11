package dev.karuku.engine.quality;

/// How a comparison is run.
///
/// @param contextLength tokens per chunk (llama.cpp's `-c`); the second half of each chunk is scored
/// @param chunks        the most chunks to evaluate; 0 = as many as the text holds
/// @param threads       CPU threads for evaluation
public record QualityOptions(int contextLength, int chunks, int threads) {

    public QualityOptions {
        if (contextLength < 8) throw new IllegalArgumentException("the context must be at least 8 tokens: " + contextLength);
        if (chunks < 0) throw new IllegalArgumentException("chunks must be 0 (all) or more: " + chunks);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }

    /// 512-token chunks (llama.cpp's default for perplexity), every chunk the text holds.
    public static QualityOptions defaults(int threads) {
        return new QualityOptions(512, 0, threads);
    }

    /// Tokens scored in each chunk: positions `n/2 … n-2` each predict the next token.
    public int scoredPerChunk() {
        return contextLength - 1 - contextLength / 2;
    }
}
