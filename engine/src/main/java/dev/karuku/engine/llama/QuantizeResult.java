package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;

import java.nio.file.Path;
import java.time.Duration;

/// A finished quantization: the file written, its type, input and output sizes, and how long it took.
public record QuantizeResult(Path output, FileType type, long inputBytes, long outputBytes, Duration elapsed) {}
