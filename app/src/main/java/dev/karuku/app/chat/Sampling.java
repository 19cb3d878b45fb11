package dev.karuku.app.chat;

/// Sampling settings for one reply.
///
/// @param temperature   randomness (0 = always the likeliest token)
/// @param topP          nucleus sampling cut-off
/// @param topK          how many candidates to keep
/// @param repeatPenalty penalty for repeating recent tokens
/// @param maxTokens     longest reply
public record Sampling(double temperature, double topP, int topK, double repeatPenalty, int maxTokens) {}
