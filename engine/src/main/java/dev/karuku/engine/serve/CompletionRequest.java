package dev.karuku.engine.serve;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/// One completion asked of a model: either a chat (`messages`, formatted with the model's own template and an
/// assistant prompt) or a raw `prompt` (continued as it is). Exactly one of the two is set.
///
/// @param model     a library id, a file the host was started with, or an alias ([ModelHost#models])
/// @param messages  the conversation so far, or null for a raw prompt
/// @param prompt    raw text to continue, or null for a chat
/// @param generate  token limit (0 = until the context is full), sampling, stop strings
/// @param grammar   a GBNF grammar the output must match (llama.cpp's grammar sampler, root rule `root`), or null
/// @param keepAlive how long the model stays loaded after this request when idle; null = the host's default
/// @param templateArgs extra variables for the model's chat template (`enable_thinking`, …), as llama-server's
///                  `chat_template_kwargs`; empty for none
public record CompletionRequest(String model, List<ChatMessage> messages, String prompt, GenerateOptions generate,
                                String grammar, Duration keepAlive, Map<String, Object> templateArgs) {

    public CompletionRequest(String model, List<ChatMessage> messages, String prompt, GenerateOptions generate,
                             String grammar, Duration keepAlive) {
        this(model, messages, prompt, generate, grammar, keepAlive, Map.of());
    }

    public CompletionRequest {
        templateArgs = templateArgs == null ? Map.of() : Map.copyOf(templateArgs);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(generate, "generate");
        if ((messages == null) == (prompt == null)) throw new IllegalArgumentException("give either messages or a prompt");
        messages = messages == null ? null : List.copyOf(messages);
        if (keepAlive != null && keepAlive.isNegative()) throw new IllegalArgumentException("keep-alive must not be negative");
    }

    public static CompletionRequest chat(String model, List<ChatMessage> messages, GenerateOptions generate) {
        return new CompletionRequest(model, messages, null, generate, null, null);
    }

    public static CompletionRequest text(String model, String prompt, GenerateOptions generate) {
        return new CompletionRequest(model, null, prompt, generate, null, null);
    }

    public boolean isChat() {
        return messages != null;
    }

    public CompletionRequest withGrammar(String gbnf) {
        return new CompletionRequest(model, messages, prompt, generate, gbnf, keepAlive, templateArgs);
    }

    public CompletionRequest withKeepAlive(Duration d) {
        return new CompletionRequest(model, messages, prompt, generate, grammar, d, templateArgs);
    }

    public CompletionRequest withTemplateArgs(Map<String, Object> args) {
        return new CompletionRequest(model, messages, prompt, generate, grammar, keepAlive, args);
    }
}
