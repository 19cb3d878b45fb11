package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.Fn;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/// Whether a draft model can propose tokens for a target model: the proposals are token ids, so both must read every
/// id the same way. Compares the token count, the special tokens (BOS, EOS, end of turn) and a hash of every token's
/// text and attributes, so two vocabularies that differ in a single token are told apart.
public final class VocabularyMatch {

    private VocabularyMatch() {}

    /// Why `draft` cannot draft for `target`, in words for a person; empty when it can.
    public static Optional<String> problem(Model target, Model draft) {
        String t = target.file().getFileName().toString();
        String d = draft.file().getFileName().toString();
        int nt = target.info().vocabSize();
        int nd = draft.info().vocabSize();
        if (nt != nd) {
            return Optional.of("the draft model " + d + " has " + nd + " tokens and " + t + " has " + nt
                    + ": a draft model must share the model's vocabulary");
        }
        int[] st = specials(target);
        int[] sd = specials(draft);
        String[] names = {"beginning-of-text", "end-of-text", "end-of-turn"};
        for (int i = 0; i < st.length; i++) {
            if (st[i] != sd[i]) {
                return Optional.of("the draft model " + d + " has token " + sd[i] + " as its " + names[i] + " token and "
                        + t + " has " + st[i] + ": a draft model must share the model's vocabulary");
            }
        }
        int first = firstDifference(target, draft, nt);
        if (first >= 0) {
            return Optional.of("the draft model " + d + " reads token " + first + " as '" + text(draft, first) + "' and "
                    + t + " as '" + text(target, first) + "': a draft model must share the model's vocabulary");
        }
        return Optional.empty();
    }

    /// A hash of every token's text and attributes: equal for models that read every token id the same way.
    public static byte[] fingerprint(Model model) {
        MessageDigest md = sha256();
        int n = model.info().vocabSize();
        for (int id = 0; id < n; id++) {
            md.update(text(model, id).getBytes(StandardCharsets.UTF_8));
            int attr = attr(model, id);
            md.update(new byte[] {0, (byte) attr, (byte) (attr >> 8), (byte) (attr >> 16)});
        }
        return md.digest();
    }

    private static int firstDifference(Model a, Model b, int n) {
        if (java.util.Arrays.equals(fingerprint(a), fingerprint(b))) return -1;
        for (int id = 0; id < n; id++) {
            if (!text(a, id).equals(text(b, id)) || attr(a, id) != attr(b, id)) return id;
        }
        return -1;
    }

    private static int[] specials(Model m) {
        try {
            return new int[] {(int) Fn.llama_vocab_bos.invokeExact(m.vocab()), (int) Fn.llama_vocab_eos.invokeExact(m.vocab()),
                    (int) Fn.llama_vocab_eot.invokeExact(m.vocab())};
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    static String text(Model m, int id) {
        try {
            MemorySegment s = (MemorySegment) Fn.llama_vocab_get_text.invokeExact(m.vocab(), id);
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    private static int attr(Model m, int id) {
        try {
            return (int) Fn.llama_vocab_get_attr.invokeExact(m.vocab(), id);
        } catch (Throwable t) {
            throw Model.rethrow(t);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
