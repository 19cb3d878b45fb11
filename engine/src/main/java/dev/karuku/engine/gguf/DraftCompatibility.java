package dev.karuku.engine.gguf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/// Whether a file can be a draft model for another, from their GGUF headers alone (no tensor data is read): a draft
/// proposes token ids, so both must read every id the same way. The same checks as `llama.VocabularyMatch` makes on
/// loaded models — the tokenizer, the token count, the special tokens (beginning of text, end of text, end of turn)
/// and every token's text and type — so the Load screen can offer only files the engine will accept.
public final class DraftCompatibility {

    private static final String SPECIAL_PREFIX = "tokenizer.ggml.";
    private static final String[] SPECIALS = {"bos_token_id", "eos_token_id", "eot_token_id"};
    private static final String[] SPECIAL_NAMES = {"beginning-of-text", "end-of-text", "end-of-turn"};

    private DraftCompatibility() {}

    /// What a draft must share with its model, small enough to keep for every file of a library.
    ///
    /// @param tokenizer `tokenizer.ggml.model` ("" when absent)
    /// @param tokens    the token count
    /// @param specials  the ids of the beginning-of-text, end-of-text and end-of-turn tokens (-1 where the file does not
    ///                  say: llama.cpp then derives them from the tokenizer and the texts, which are compared too)
    /// @param texts     SHA-256 of every token's text, in id order
    /// @param types     SHA-256 of every token's type, in id order
    public record Vocabulary(String tokenizer, int tokens, List<Long> specials, String texts, String types) {
        public Vocabulary {
            specials = List.copyOf(specials);
        }

        public static Vocabulary of(GgufFile file) {
            GgufMetadata m = file.metadata();
            List<GgufValue> texts = m.array(SPECIAL_PREFIX + "tokens");
            List<Long> specials = new ArrayList<>();
            for (String key : SPECIALS) specials.add(special(m, key));
            return new Vocabulary(m.string(SPECIAL_PREFIX + "model").orElse(""), texts.size(), specials,
                    hash(texts, DraftCompatibility::text), hash(m.array(SPECIAL_PREFIX + "token_type"), DraftCompatibility::type));
        }

        /// Whether the file has a vocabulary at all (a file without one cannot draft, nor be drafted for).
        public boolean present() {
            return tokens > 0;
        }
    }

    /// Why `draft` cannot draft for `model`, in words for a person; empty when it can. Reads both headers.
    public static Optional<String> problem(Path model, Path draft) throws GgufException {
        if (same(model, draft)) {
            return Optional.of(name(draft) + " is the model itself: a draft model must be another, smaller model");
        }
        return problem(name(model), GgufReader.read(model), name(draft), GgufReader.read(draft));
    }

    /// Why the file named `draftName` cannot draft for the one named `modelName`, from their headers; empty when it can.
    public static Optional<String> problem(String modelName, GgufFile model, String draftName, GgufFile draft) {
        Vocabulary t = Vocabulary.of(model);
        Vocabulary d = Vocabulary.of(draft);
        String share = ": a draft model must share the model's vocabulary";
        if (!t.present() || !d.present()) {
            return Optional.of((t.present() ? draftName : modelName) + " has no vocabulary" + share);
        }
        if (!t.tokenizer().equals(d.tokenizer())) {
            return Optional.of("the draft model " + draftName + " uses the '" + d.tokenizer() + "' tokenizer and " + modelName
                    + " the '" + t.tokenizer() + "' one" + share);
        }
        if (t.tokens() != d.tokens()) {
            return Optional.of("the draft model " + draftName + " has " + d.tokens() + " tokens and " + modelName + " has "
                    + t.tokens() + share);
        }
        for (int i = 0; i < SPECIALS.length; i++) {
            long ts = t.specials().get(i), ds = d.specials().get(i);
            if (ts != ds) {
                return Optional.of("the draft model " + draftName + " has " + id(ds) + " as its " + SPECIAL_NAMES[i]
                        + " token and " + modelName + " has " + id(ts) + share);
            }
        }
        if (!t.texts().equals(d.texts())) {
            List<GgufValue> tt = model.metadata().array(SPECIAL_PREFIX + "tokens");
            List<GgufValue> dt = draft.metadata().array(SPECIAL_PREFIX + "tokens");
            int first = 0;
            while (first < tt.size() - 1 && text(tt.get(first)).equals(text(dt.get(first)))) first++;
            return Optional.of("the draft model " + draftName + " reads token " + first + " as '" + text(dt.get(first))
                    + "' and " + modelName + " as '" + text(tt.get(first)) + "'" + share);
        }
        if (!t.types().equals(d.types())) {
            return Optional.of("the draft model " + draftName + " gives some tokens another type than " + modelName + share);
        }
        return Optional.empty();
    }

    /// The files among `candidates` that can draft for `model`, smallest first: the model itself (the same file under
    /// any path), files at least as large as the model (a draft must cost less to run than the model it speeds up) and
    /// files whose header cannot be read or whose vocabulary differs are left out.
    ///
    /// @param vocabulary a file's vocabulary; pass a caching function to read each header once
    public static List<Path> drafts(Path model, Collection<Path> candidates, Function<Path, Optional<Vocabulary>> vocabulary) {
        Optional<Vocabulary> target = vocabulary.apply(model);
        if (target.isEmpty() || !target.get().present()) return List.of();
        long modelSize = size(model);
        List<Path> out = new ArrayList<>();
        for (Path c : candidates) {
            if (out.contains(c) || same(model, c) || size(c) >= modelSize) continue;
            if (vocabulary.apply(c).filter(target.get()::equals).isPresent()) out.add(c);
        }
        out.sort(Comparator.comparingLong(DraftCompatibility::size).thenComparing(Path::toString));
        return List.copyOf(out);
    }

    /// The vocabulary in `file`'s header; empty when it cannot be read.
    public static Optional<Vocabulary> vocabulary(Path file) {
        try {
            return Optional.of(Vocabulary.of(GgufReader.read(file)));
        } catch (GgufException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static String id(long special) {
        return special < 0 ? "none" : "token " + special;
    }

    private static long special(GgufMetadata m, String key) {
        OptionalLong v = m.integer(SPECIAL_PREFIX + key);
        return v.isPresent() ? v.getAsLong() : -1;
    }

    private static String text(GgufValue v) {
        return v instanceof GgufValue.Str s ? s.value() : String.valueOf(v);
    }

    private static String type(GgufValue v) {
        return v instanceof GgufValue.Int i ? Long.toString(i.value()) : String.valueOf(v);
    }

    private static String hash(List<GgufValue> values, Function<GgufValue, String> form) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        for (GgufValue v : values) {
            byte[] b = form.apply(v).getBytes(StandardCharsets.UTF_8);
            // length-prefixed: ["ab", "c"] and ["a", "bc"] hash differently
            md.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
