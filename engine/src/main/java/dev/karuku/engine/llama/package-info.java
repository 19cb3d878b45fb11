/// The llama.cpp binding (FFM, no JNI): everything the app, the CLI and the benchmarks need to run a GGUF model.
///
/// ## Start here
/// - [dev.karuku.engine.llama.LlamaRuntime#load()] — finds and loads the natives once per process; then
///   `devices()`, `loadModel(path, options)`, `quantize(in, out, type, threads, listener)`.
/// - [dev.karuku.engine.llama.LoadedModel#open] — the usual way in: model + context + the platform thread that owns
///   them ([dev.karuku.engine.llama.InferenceWorker]); `generate(prompt, options, listener)` returns a
///   [dev.karuku.engine.llama.Generation] to cancel or wait on. Chat: [dev.karuku.engine.chat.ChatSession].
/// - [dev.karuku.engine.llama.LoadOptions]: a [dev.karuku.engine.settings.LoadSettings] (GPU layers, context, threads,
///   batch, flash attention, KV type, mmap) and progress/cancel, [dev.karuku.engine.generation.GenerateOptions] + [dev.karuku.engine.generation.SamplingParams].
/// - [dev.karuku.engine.batch.BatchedCompleter#open] — many completions at once on one model (a server's
///   `--parallel N`): sequences of one [dev.karuku.engine.llama.BatchContext] decoded together, step by step.
/// - [dev.karuku.engine.llama.LlamaLog] — llama.cpp's log as lines: `capture(work)` for one thread's lines during
///   some work (e.g. a load, to read buffer sizes and offloaded layers), `subscribe(listener)` for all.
///
/// ## Errors
/// [dev.karuku.engine.llama.ModelLoadException] (with llama.cpp's reason), its subclass
/// [dev.karuku.engine.llama.LoadCancelledException], [dev.karuku.engine.llama.ContextOverflowException],
/// [dev.karuku.engine.llama.NativesUnavailableException] (every path tried and what to do),
/// [dev.karuku.engine.llama.GrammarException] (a GBNF grammar llama.cpp refused), all
/// [dev.karuku.engine.llama.LlamaException]s. Handles ([dev.karuku.engine.llama.Model],
/// [dev.karuku.engine.llama.Context], [dev.karuku.engine.llama.Sampler]) throw `IllegalStateException` after close.
///
/// ## Threads
/// A [dev.karuku.engine.llama.Context] is used by one thread at a time: a platform thread, because a virtual thread
/// in a long native call pins its carrier. [dev.karuku.engine.llama.LoadedModel] takes care of that; listeners are
/// called on that thread, so hand results to your own thread quickly.
package dev.karuku.engine.llama;
