package dev.karuku.engine.quality;

/// What a comparison measured over the same tokens.
///
/// @param perplexity          the model's perplexity: exp of the mean negative log-likelihood of each scored token
/// @param referencePerplexity the reference's perplexity over the same tokens
/// @param kld                 KL divergence of the model's next-token distribution from the reference's, per token
/// @param top1Agreement       the share of scored positions (0–1) where both models rank the same token first
/// @param tokens              how many tokens were scored
/// @param chunks              how many chunks they came from
/// @param contextLength       tokens per chunk
public record QualityReport(double perplexity, double referencePerplexity, Kld kld, double top1Agreement, int tokens,
                            int chunks, int contextLength) {

    /// Statistics of the per-token KL divergence (nats).
    public record Kld(double mean, double median, double p99, double max) {}

    /// How much higher the model's perplexity is than the reference's, in percent.
    public double perplexityIncreasePercent() {
        return (perplexity / referencePerplexity - 1) * 100;
    }
}
