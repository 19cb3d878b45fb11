package dev.karuku.engine.generation;

import java.util.List;
import java.util.Objects;

/// What to generate: at most `maxTokens` tokens (0 = until the context is full), chosen by `sampling`, ending
/// early at the model's end-of-generation token or at the first of `stopStrings` (which is not emitted).
public record GenerateOptions(int maxTokens, SamplingParams sampling, List<String> stopStrings) {

    public GenerateOptions {
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be 0 (no limit) or more: " + maxTokens);
        Objects.requireNonNull(sampling, "sampling");
        stopStrings = stopStrings.stream().filter(s -> !s.isEmpty()).toList();
    }

    /// 512 tokens, default sampling, no stop strings.
    public static GenerateOptions defaults() {
        return new GenerateOptions(512, SamplingParams.defaults(), List.of());
    }

    public GenerateOptions withMaxTokens(int n) {
        return new GenerateOptions(n, sampling, stopStrings);
    }

    public GenerateOptions withSampling(SamplingParams s) {
        return new GenerateOptions(maxTokens, s, stopStrings);
    }

    public GenerateOptions withStopStrings(List<String> stops) {
        return new GenerateOptions(maxTokens, sampling, stops);
    }
}
