package dev.karuku.engine.chat;

import dev.karuku.engine.llama.ChatFormatter;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.Model;

import dev.karuku.engine.template.JinjaChatTemplate;
import dev.karuku.engine.template.TemplateException;
import dev.karuku.engine.template.TemplateMessage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Renders a conversation into the prompt text a model was trained on.
///
/// The one rule of Karuku (the app, the CLI and the server all get it from here):
/// 0. the model's own `tokenizer.chat_template`, run as Jinja exactly as its authors wrote it ([JinjaChatTemplate]),
///    when the engine can run it and every marker it writes is a single token of the vocabulary; a template that
///    refuses a conversation (Gemma 2 and a system prompt) fails the turn with its own message
///    ([TemplateException.Raised]); one the engine cannot run falls to llama.cpp ([#jinjaFailure] says why);
/// 1. the model's own template as `llama_chat_apply_template` formats it: llama.cpp recognises the common templates
///    (ChatML, Llama 3, Gemma, Mistral, Phi, …) from their text, when every marker it writes (`<|im_start|>`,
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
    private final JinjaChatTemplate jinja;
    /// The BOS text a Jinja template writes and the tokenizer adds anyway (dropped from the rendering), or null.
    private final String leadingBos;
    private final String jinjaFailure;

    private ChatTemplate(String template, boolean fallback, boolean plain) {
        this(template, fallback, plain, null, null, null);
    }

    private ChatTemplate(String template, boolean fallback, boolean plain, JinjaChatTemplate jinja, String leadingBos,
                         String jinjaFailure) {
        this.template = template;
        this.fallback = fallback;
        this.plain = plain;
        this.jinja = jinja;
        this.leadingBos = leadingBos;
        this.jinjaFailure = jinjaFailure;
    }

    /// The template for `model` by the rule above.
    public static ChatTemplate of(Model model) {
        Optional<String> own = model.chatTemplate();
        String failure = null;
        if (own.isPresent()) {
            String bos = specialToken(model, "tokenizer.ggml.bos_token_id");
            JinjaChatTemplate j = new JinjaChatTemplate(own.get(), bos, specialToken(model, "tokenizer.ggml.eos_token_id"),
                    Clock.systemDefaultZone());
            ChatTemplate t = new ChatTemplate(own.get(), false, false, j,
                    model.addsBos() && !bos.isEmpty() ? bos : null, null);
            try {
                String sample;
                try {
                    sample = t.apply(SAMPLE, true);
                } catch (TemplateException.Raised r) {
                    sample = t.apply(SAMPLE.subList(1, SAMPLE.size()), true); // a template that refuses system prompts
                }
                if (markersAreTokens(model, sample)) return t;
            } catch (TemplateException.Raised r) {
                return t; // it runs, and refuses only conversations of some shapes: each turn reports it
            } catch (TemplateException.Unsupported u) {
                failure = u.getMessage();
            }
            ChatTemplate builtIn = new ChatTemplate(own.get(), false, false, null, null, failure);
            String sample = builtIn.tryApply(SAMPLE, true);
            if (sample != null && markersAreTokens(model, sample)) return builtIn;
        }
        ChatTemplate chatml = new ChatTemplate(FALLBACK, true, false, null, null, failure);
        if (markersAreTokens(model, chatml.apply(SAMPLE, true))) return chatml;
        return new ChatTemplate("", true, true, null, null, failure);
    }

    /// A named built-in template (`chatml`, `llama3`, `gemma`, …) or a template text, formatted by llama.cpp.
    public static ChatTemplate named(String nameOrText) {
        return new ChatTemplate(nameOrText, false, false);
    }

    /// The text of the special token whose id GGUF metadata `key` holds, or "" when there is none.
    private static String specialToken(Model model, String key) {
        try {
            return model.meta(key).map(v -> model.tokenText(Integer.parseInt(v.strip()))).orElse("");
        } catch (NumberFormatException e) {
            return "";
        }
    }

    /// True when the model's own Jinja template renders the chat, as its authors wrote it.
    public boolean isModelTemplate() {
        return jinja != null;
    }

    /// Why the model's Jinja template could not be run (its format then comes from llama.cpp's built-in
    /// templates, ChatML or plain text): to tell the user once. Empty when it runs, or the model has none.
    public Optional<String> jinjaFailure() {
        return Optional.ofNullable(jinjaFailure);
    }

    /// True when the model's template can switch its thinking off: it reads `enable_thinking` (Qwen3, SmolLM3,
    /// Granite, …), given through the template arguments.
    public boolean offersThinkingSwitch() {
        return jinja != null && jinja.source().contains("enable_thinking");
    }

    /// True when `prompt` (as the template rendered it) ends inside an opened `<think>`: the template starts the
    /// reply's thinking itself (DeepSeek-R1 distills, QwQ), so the model writes only its end, `</think>`.
    public static boolean opensThinking(String prompt) {
        String p = prompt.stripTrailing();
        return p.endsWith(ThinkingText.OPEN);
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
    /// @throws TemplateException.Raised when the model's template refuses the conversation (its own message)
    public String apply(List<ChatMessage> messages, boolean addAssistantPrompt) {
        return apply(messages, addAssistantPrompt, Map.of());
    }

    /// Like [#apply(List, boolean)], with `templateArgs` as extra variables of a Jinja template (`enable_thinking`,
    /// as llama-server's `chat_template_kwargs`); llama.cpp's built-in formats ignore them. An assistant message's
    /// reasoning reaches the template as `reasoning_content`: the template decides whether the model sees it.
    public String apply(List<ChatMessage> messages, boolean addAssistantPrompt, Map<String, Object> templateArgs) {
        if (plain) return plainText(messages);
        if (jinja != null) {
            List<TemplateMessage> wire = messages.stream().map(m -> new TemplateMessage(m.role().wireName(), m.content(),
                    m.reasoning(), List.of(), null, null)).toList();
            String s = jinja.render(wire, List.of(), addAssistantPrompt, templateArgs == null ? Map.of() : templateArgs);
            return leadingBos != null && s.startsWith(leadingBos) ? s.substring(leadingBos.length()) : s;
        }
        String s = tryApply(messages, addAssistantPrompt);
        if (s == null) throw new LlamaException("llama.cpp does not support this chat template");
        return s;
    }

    /// The prompt's tokens for `messages`: the template's own markers become control tokens, while whatever the
    /// messages say stays text — a user who pastes `<|im_start|>` gives the model those characters, not a turn
    /// marker. The prompt starts with BOS when the model wants it.
    public int[] tokens(Model model, List<ChatMessage> messages, boolean addAssistantPrompt) {
        return tokens(model, messages, addAssistantPrompt, Map.of());
    }

    /// Like [#tokens(Model, List, boolean)], with extra template variables (see [#apply(List, boolean, Map)]).
    public int[] tokens(Model model, List<ChatMessage> messages, boolean addAssistantPrompt, Map<String, Object> templateArgs) {
        String text = apply(messages, addAssistantPrompt, templateArgs);
        boolean anySpecial = false;
        for (ChatMessage m : messages) {
            if (!m.content().isEmpty() && !java.util.Arrays.equals(model.tokenize(m.content(), false, true),
                    model.tokenize(m.content(), false, false))) {
                anySpecial = true;
                break;
            }
        }
        // The common case tokenizes the prompt whole, exactly as llama.cpp would.
        if (!anySpecial) return model.tokenize(text, true, true);
        List<int[]> parts = new ArrayList<>();
        parts.add(model.tokenize("", true, false)); // BOS, when the model wants it
        int from = 0;
        for (ChatMessage m : messages) {
            String c = m.content();
            int at = c.isEmpty() ? -1 : text.indexOf(c, from);
            if (at < 0) continue; // the template rewrote it: its text is left with the template's own
            parts.add(tokenize(model, text.substring(from, at), true));
            parts.add(tokenize(model, c, false));
            from = at + c.length();
        }
        parts.add(tokenize(model, text.substring(from), true));
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int i = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static int[] tokenize(Model model, String text, boolean parseSpecial) {
        return text.isEmpty() ? new int[0] : model.tokenize(text, false, parseSpecial);
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
