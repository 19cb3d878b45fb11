/// Serving completions to many clients: the contract between whoever asks (the OpenAI-compatible HTTP server, the
/// app) and whoever answers (a model in a worker process, or in this process).
///
/// - [ModelHost]: the models one can ask, by id or alias; [ModelHost#submit] starts one completion.
/// - [Completer]: one loaded model answering completions, several at once where it batches them.
/// - A completion streams its text to a [CompletionListener] and can be cancelled through its [Completion].
///
/// Nothing here touches native code: a supervisor of worker processes implements [ModelHost] in pure Java.
package dev.karuku.engine.serve;
