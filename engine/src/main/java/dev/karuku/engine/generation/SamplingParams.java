package dev.karuku.engine.generation;

/// How the next token is chosen. `temperature` 0 means greedy (always the most likely token: reproducible);
/// otherwise the chain is: penalties → top-k → top-p → min-p → temperature → random draw with `seed`. The penalties
/// (repeat, and OpenAI's presence and frequency) look at the last `repeatLastN` tokens generated.
///
/// @param temperature    0 = greedy; 0.7–1.0 typical for chat
/// @param topK           keep the k most likely tokens (0 = off)
/// @param topP           keep the smallest set whose probabilities sum to p (1.0 = off)
/// @param minP           drop tokens below p × the best token's probability (0 = off)
/// @param repeatPenalty  divide logits of recently seen tokens (1.0 = off)
/// @param repeatLastN    how many recent tokens the penalty looks at (0 = off, -1 = whole context)
/// @param seed           random seed; [#RANDOM_SEED] for a different one each time
/// @param presencePenalty  subtracted from the logit of every token already generated (0 = off; OpenAI's -2..2)
/// @param frequencyPenalty subtracted once per earlier occurrence of a token (0 = off; OpenAI's -2..2)
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty,
                             int repeatLastN, int seed, float presencePenalty, float frequencyPenalty) {

    /// llama.cpp's `LLAMA_DEFAULT_SEED` (0xFFFFFFFF): pick a random seed.
    public static final int RANDOM_SEED = -1;

    public SamplingParams {
        if (temperature < 0) throw new IllegalArgumentException("temperature must be 0 or more: " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be 0 or more: " + topK);
        if (topP <= 0 || topP > 1) throw new IllegalArgumentException("top-p must be in (0, 1]: " + topP);
        if (minP < 0 || minP > 1) throw new IllegalArgumentException("min-p must be in [0, 1]: " + minP);
        if (repeatPenalty <= 0) throw new IllegalArgumentException("repeat penalty must be above 0: " + repeatPenalty);
        if (repeatLastN < -1) throw new IllegalArgumentException("repeat-last-n must be -1 or more: " + repeatLastN);
        if (!Float.isFinite(presencePenalty)) throw new IllegalArgumentException("presence penalty must be finite");
        if (!Float.isFinite(frequencyPenalty)) throw new IllegalArgumentException("frequency penalty must be finite");
    }

    /// Without presence and frequency penalties.
    public SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                          int seed) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, 0, 0);
    }

    /// Temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repeat penalty (last 64), random seed: llama.cpp's defaults.
    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, RANDOM_SEED);
    }

    /// Always the most likely token.
    public static SamplingParams greedy() {
        return defaults().withTemperature(0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public SamplingParams withTemperature(float t) {
        return new SamplingParams(t, topK, topP, minP, repeatPenalty, repeatLastN, seed, presencePenalty, frequencyPenalty);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, k, topP, minP, repeatPenalty, repeatLastN, seed, presencePenalty, frequencyPenalty);
    }

    public SamplingParams withTopP(float p) {
        return new SamplingParams(temperature, topK, p, minP, repeatPenalty, repeatLastN, seed, presencePenalty, frequencyPenalty);
    }

    public SamplingParams withMinP(float p) {
        return new SamplingParams(temperature, topK, topP, p, repeatPenalty, repeatLastN, seed, presencePenalty, frequencyPenalty);
    }

    public SamplingParams withRepeatPenalty(float penalty, int lastN) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, lastN, seed, presencePenalty, frequencyPenalty);
    }

    public SamplingParams withSeed(int s) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s, presencePenalty, frequencyPenalty);
    }

    /// OpenAI's `presence_penalty` and `frequency_penalty`.
    public SamplingParams withPenalties(float presence, float frequency) {
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, presence, frequency);
    }

    /// True when some penalty changes the logits.
    /// The same without repeat, presence and frequency penalties.
    public SamplingParams withoutPenalties() {
        return new SamplingParams(temperature, topK, topP, minP, 1.0f, repeatLastN, seed, 0, 0);
    }

    public boolean hasPenalties() {
        return repeatLastN != 0 && (repeatPenalty != 1.0f || presencePenalty != 0 || frequencyPenalty != 0);
    }
}
