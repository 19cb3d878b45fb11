package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;

/// The whole text of a finished generation (exactly what the listener received), why it stopped, and timings.
public record GenerationResult(String text, StopReason stopReason, GenerationStats stats) {}
