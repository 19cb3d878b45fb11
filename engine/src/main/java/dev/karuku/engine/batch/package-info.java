/// Continuous batching: [dev.karuku.engine.batch.BatchedCompleter] answers many
/// [dev.karuku.engine.serve.Completer] requests at once on one loaded model — a queue, a scheduler thread that owns
/// one [dev.karuku.engine.llama.BatchContext], a sequence per running request, one `llama_decode` per step for all
/// of them. Why one context with a unified KV cache: docs/decisions/0005.
package dev.karuku.engine.batch;
