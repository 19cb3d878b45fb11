package dev.karuku.app.chat;

/// Sampling settings for one reply.
///
/// @param temperature   randomness (0 = always the likeliest token)
/// @param topP          nucleus sampling cut-off
/// @param topK          how many candidates to keep
/// @param repeatPenalty penalty for repeating recent tokens (1 = none)
/// @param maxTokens     longest reply
/// @param minP          drops candidates less likely than this share of the likeliest (0 = off)
/// @param seed          the random seed, for a reply that can be had again; -1 for a new one each time
public record Sampling(double temperature, double topP, int topK, double repeatPenalty, int maxTokens, double minP, int seed) {

    /// No random seed for the reply.
    public static final int RANDOM_SEED = -1;

    public Sampling(double temperature, double topP, int topK, double repeatPenalty, int maxTokens) {
        this(temperature, topP, topK, repeatPenalty, maxTokens, 0.05, RANDOM_SEED);
    }
}
