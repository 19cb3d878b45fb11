package dev.karuku.engine.batch;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.serve.Completer;

import java.util.List;

/// A [Completer] for one model it loaded itself, as a worker process hosts it: batched sequences
/// ([BatchedCompleter]) or one speculative sequence at a time ([SpeculativeCompleter]). [Completers] chooses.
public sealed interface LoadedCompleter extends Completer permits BatchedCompleter, SpeculativeCompleter {

    /// The loaded model (its file, its facts).
    Model model();

    /// Tokens each completion may hold, prompt and reply together.
    int sequenceSize();

    /// The chat template this completer formats conversations with.
    ChatTemplate template();

    /// Tokens `messages` take as a chat prompt (the model's template with the assistant's turn opened). On the
    /// caller's thread.
    int countTokens(List<ChatMessage> messages);
}
