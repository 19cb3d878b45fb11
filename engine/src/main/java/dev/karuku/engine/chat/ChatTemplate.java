package dev.karuku.engine.chat;

import dev.karuku.engine.llama.ChatFormatter;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.Model;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Renders a conversation into the prompt text a model was trained on, with `llama_chat_apply_template`.
///
/// llama.cpp does not run Jinja: it recognises the common templates (ChatML, Llama 3, Gemma, Mistral, Phi, …) from
/// the model's `tokenizer.chat_template` text and formats them natively. The one fallback rule of Karuku (the app
/// and the CLI both get it from here):
/// 1. the model's own template, when llama.cpp recognises it and every marker it writes (`<|im_start|>`,
///    `<start_of_turn>`, …) is a single token of the model's vocabulary;
/// 2. else ChatML — the most common format of small chat models — under the same condition; `<|im_end|>` is then
///    also a stop string, since such a model may spell it out;
/// 3. else plain text: the system prompt, then each user message on a new line followed by its reply, so a base model (or the successor
///    test model, whose vocabulary has no ChatML tokens) simply continues the conversation. A template whose
///    markers the vocabulary lacks would only be spelled out letter by letter and confuse the model.
public final class ChatTemplate {

    /// Template used when the model has none, or llama.cpp does not recognise it.
    public static final String FALLBACK = "chatml";

    /// Markers a template writes around messages: `<|im_start|>`, `<start_of_turn>`, `</s>`, `<|eot_id|>`, …
    private static final Pattern MARKER = Pattern.compile("</?\\|?[A-Za-z_][A-Za-z0-9_.]*\\|?>");
    private static final List<ChatMessage> SAMPLE = List.of(ChatMessage.system("s"), ChatMessage.user("u"),
            ChatMessage.assistant("a"), ChatMessage.user("v"));

    private final String template;
    private final boolean fallback;
    private final boolean plain;

    private ChatTemplate(String template, boolean fallback, boolean plain) {
        this.template = template;
        this.fallback = fallback;
        this.plain = plain;
    }

    /// The template for `model` by the fallback rule above.
    public static ChatTemplate of(Model model) {
        Optional<String> own = model.chatTemplate();
        if (own.isPresent()) {
            ChatTemplate t = new ChatTemplate(own.get(), false, false);
            String sample = t.tryApply(SAMPLE, true);
            if (sample != null && markersAreTokens(model, sample)) return t;
        }
        ChatTemplate chatml = new ChatTemplate(FALLBACK, true, false);
        if (markersAreTokens(model, chatml.apply(SAMPLE, true))) return chatml;
        return new ChatTemplate("", true, true);
    }

    /// A named built-in template (`chatml`, `llama3`, `gemma`, …) or a template text.
    public static ChatTemplate named(String nameOrText) {
        return new ChatTemplate(nameOrText, false, false);
    }

    /// True when every marker the rendered `sample` contains is one token of `model`'s vocabulary.
    static boolean markersAreTokens(Model model, String sample) {
        Matcher m = MARKER.matcher(sample);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (m.find()) {
            if (seen.add(m.group()) && model.tokenize(m.group(), false, true).length != 1) return false;
        }
        return true;
    }

    /// True when the model's own template was unusable and ChatML or plain text is used instead.
    public boolean isFallback() {
        return fallback;
    }

    /// True when neither the model's template nor ChatML fits its vocabulary: messages are joined as plain text.
    public boolean isPlain() {
        return plain;
    }

    /// Stop strings this template needs beyond the model's end-of-generation tokens.
    public List<String> stopStrings() {
        return fallback && !plain ? List.of("<|im_end|>", "<|im_start|>") : List.of();
    }

    /// The prompt text for `messages`; with `addAssistantPrompt` it ends where the assistant's reply begins.
    ///
    /// @throws LlamaException when llama.cpp does not know the template
    public String apply(List<ChatMessage> messages, boolean addAssistantPrompt) {
        if (plain) return plainText(messages);
        String s = tryApply(messages, addAssistantPrompt);
        if (s == null) throw new LlamaException("llama.cpp does not support this chat template");
        return s;
    }

    /// The system prompt and a blank line, then each user message on a new line with the reply right after it —
    /// exactly the text the model saw when it continued the message, so the KV cache is reused on the next turn.
    private static String plainText(List<ChatMessage> messages) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (ChatMessage m : messages) {
            if (m.role() == ChatRole.SYSTEM) {
                out.append(m.content()).append("\n\n");
                continue;
            }
            if (!first && m.role() == ChatRole.USER) out.append('\n');
            out.append(m.content());
            first = false;
        }
        return out.toString();
    }

    private String tryApply(List<ChatMessage> messages, boolean addAss) {
        List<ChatFormatter.Turn> turns = messages.stream()
                .map(m -> new ChatFormatter.Turn(m.role().wireName(), m.content())).toList();
        return ChatFormatter.apply(template, turns, addAss).orElse(null);
    }
}
