package dev.karuku.engine.chat;

import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;

/// Renders a conversation into the prompt text a model was trained on, with `llama_chat_apply_template`.
///
/// llama.cpp does not run Jinja: it recognises the common templates (ChatML, Llama 3, Gemma, Mistral, Phi, …) from
/// the model's `tokenizer.chat_template` text and formats them natively. A model without a template, or with one
/// llama.cpp does not recognise, falls back to ChatML — the most common format of small chat models — and then
/// `<|im_end|>` is also used as a stop string, since such a model may spell it out in plain text.
public final class ChatTemplate {

    /// Template used when the model has none, or llama.cpp does not recognise it.
    public static final String FALLBACK = "chatml";

    private final String template;
    private final boolean fallback;

    private ChatTemplate(String template, boolean fallback) {
        this.template = template;
        this.fallback = fallback;
    }

    /// The model's default template if llama.cpp can apply it, else [#FALLBACK].
    public static ChatTemplate of(Model model) {
        Optional<String> own = model.chatTemplate();
        if (own.isPresent()) {
            ChatTemplate t = new ChatTemplate(own.get(), false);
            if (t.tryApply(List.of(ChatMessage.user("hi")), true) != null) return t;
        }
        return new ChatTemplate(FALLBACK, true);
    }

    /// A named built-in template (`chatml`, `llama3`, `gemma`, …) or a template text.
    public static ChatTemplate named(String nameOrText) {
        return new ChatTemplate(nameOrText, false);
    }

    /// True when the model's own template was unusable and ChatML is used instead.
    public boolean isFallback() {
        return fallback;
    }

    /// Stop strings this template needs beyond the model's end-of-generation tokens.
    public List<String> stopStrings() {
        return fallback ? List.of("<|im_end|>", "<|im_start|>") : List.of();
    }

    /// The prompt text for `messages`; with `addAssistantPrompt` it ends where the assistant's reply begins.
    ///
    /// @throws LlamaException when llama.cpp does not know the template
    public String apply(List<ChatMessage> messages, boolean addAssistantPrompt) {
        String s = tryApply(messages, addAssistantPrompt);
        if (s == null) throw new LlamaException("llama.cpp does not support this chat template");
        return s;
    }

    private String tryApply(List<ChatMessage> messages, boolean addAss) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msgs = a.allocate(Abi.CHAT_MESSAGE, Math.max(1, messages.size()));
            long stride = Abi.CHAT_MESSAGE.byteSize();
            int chars = 0;
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                msgs.set(ADDRESS, i * stride, a.allocateFrom(m.role().wireName()));
                msgs.set(ADDRESS, i * stride + ADDRESS.byteSize(), a.allocateFrom(m.content()));
                chars += m.content().length();
            }
            MemorySegment tmpl = a.allocateFrom(template);
            int cap = Math.max(256, chars * 4 + 512);
            MemorySegment buf = a.allocate(cap);
            int n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) messages.size(), addAss, buf, cap);
            if (n < 0) return null;
            if (n > cap) {
                cap = n;
                buf = a.allocate(cap);
                n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) messages.size(), addAss, buf, cap);
                if (n < 0) return null;
            }
            return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new LlamaException(t.toString(), List.of(), t);
        }
    }
}
