/// Models on another server: a [dev.karuku.engine.serve.ModelHost] over any OpenAI-compatible HTTP API (another PC
/// running `karuku serve`, llama.cpp's `llama-server`, Ollama's `/v1`, LM Studio, vLLM), so whoever asks a host for
/// completions can ask a remote one the same way. Pure Java (`java.net.http`), no native code.
package dev.karuku.engine.remote;
