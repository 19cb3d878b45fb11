package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.Abi;
import dev.karuku.engine.llama.internal.Fn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;

/// `llama_chat_apply_template` behind the binding's boundary (the chat package renders through it).
public final class NativeChatTemplate {
    private NativeChatTemplate() {}

    /// The prompt for messages given as parallel role and content lists, or null when llama.cpp does not know
    /// the template.
    public static String apply(String template, List<String> roles, List<String> contents, boolean addAss) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msgs = a.allocate(Abi.CHAT_MESSAGE, Math.max(1, roles.size()));
            long stride = Abi.CHAT_MESSAGE.byteSize();
            int chars = 0;
            for (int i = 0; i < roles.size(); i++) {
                                msgs.set(ADDRESS, i * stride, a.allocateFrom(roles.get(i)));
                msgs.set(ADDRESS, i * stride + ADDRESS.byteSize(), a.allocateFrom(contents.get(i)));
                chars += contents.get(i).length();
            }
            MemorySegment tmpl = a.allocateFrom(template);
            int cap = Math.max(256, chars * 4 + 512);
            MemorySegment buf = a.allocate(cap);
            int n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) roles.size(), addAss, buf, cap);
            if (n < 0) return null;
            if (n > cap) {
                cap = n;
                buf = a.allocate(cap);
                n = (int) Fn.llama_chat_apply_template.invokeExact(tmpl, msgs, (long) roles.size(), addAss, buf, cap);
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
