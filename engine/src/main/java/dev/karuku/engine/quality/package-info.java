/// How much a quantized model loses against a fuller one, measured the way llama.cpp's perplexity tool does
/// ([QualityEvaluator]), and the typical figures llama.cpp publishes per quantization type ([TypicalQuality]).
package dev.karuku.engine.quality;
