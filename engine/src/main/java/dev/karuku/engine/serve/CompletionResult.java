package dev.karuku.engine.serve;

import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;

/// How a completion ended: why it stopped and what it counted (`usage` in OpenAI's terms).
///
/// @param reason why generation stopped (OpenAI's `finish_reason`: `length` for MAX_TOKENS and CONTEXT_FULL,
///               `stop` otherwise)
/// @param stats  prompt and generated token counts and timings
public record CompletionResult(StopReason reason, GenerationStats stats) {

    /// OpenAI's `finish_reason`.
    public String finishReason() {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }
}
