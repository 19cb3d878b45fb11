package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;

/// `llama_chat_apply_template`: renders role/content turns with a template llama.cpp recognises (it matches the
/// template text against its built-in formats; it does not run Jinja). The chat package builds on this.
public final class ChatFormatter {

    /// One message as llama.cpp sees it: a wire role (`system`, `user`, `assistant`) and its text.
    public record Turn(String role, String content) {}

    private ChatFormatter() {}

    /// The rendered prompt, or empty when llama.cpp does not know `template`.
    /// With `addAssistantPrompt` the text ends where the assistant's reply begins.
    public static Optional<String> apply(String template, List<Turn> turns, boolean addAssistantPrompt) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msgs = a.allocate(Abi.CHAT_MESSAGE, Math.max(1, turns.size()));
            long stride = Abi.CHAT_MESSAGE.byteSize();
            int chars = 0;
            for (int i = 0; i < turns.size(); i++) {
                Turn t = turns.get(i);
                msgs.set(ADDRESS, i * stride, a.allocateFrom(t.role()));
                msgs.set(ADDRESS, i * stride + ADDRESS.byteSize(), a.allocateFrom(t.content()));
                chars += t.content().length();
            }
            MemorySegment tmpl = a.allocateFrom(template);
            int cap = Math.max(256, chars * 4 + 512);
            MemorySegment buf = a.allocate(cap);
            int n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) turns.size(), addAssistantPrompt, buf, cap);
            if (n > cap) { // the buffer was too small: llama.cpp returns the length it needs
                cap = n;
                buf = a.allocate(cap);
                n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) turns.size(), addAssistantPrompt, buf, cap);
            }
            if (n < 0) return Optional.empty();
            return Optional.of(new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new LlamaException(t.toString(), List.of(), t);
        }
    }
}
