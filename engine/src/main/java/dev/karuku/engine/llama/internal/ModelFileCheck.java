package dev.karuku.engine.llama.internal;

import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.LoadCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/// Checks a model file before native code sees it: llama.cpp copes with most malformed files, but a file that is
/// missing, unreadable, a directory or not GGUF at all is cheaper and clearer to refuse in Java, and metadata that
/// would trip one of its asserts must be refused here: an assert ends the process.
public final class ModelFileCheck {

    /// For tests only: `-Dkaruku.test.skipLoadCheck=true` hands metadata that [LoadCheck] refuses to llama.cpp
    /// anyway, so a test can prove that a worker process contains the abort that follows. Never set it otherwise.
    public static final String SKIP_LOAD_CHECK = "karuku.test.skipLoadCheck";

    private ModelFileCheck() {}

    /// The reason the file cannot be a model, or empty when it looks like GGUF.
    public static Optional<String> problem(Path file) {
        if (!Files.exists(file)) return Optional.of("no such file: " + file);
        if (Files.isDirectory(file)) return Optional.of("it is a folder, not a model file: " + file);
        if (!Files.isReadable(file)) return Optional.of("permission denied: " + file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            if (head.length < 8) return Optional.of("the file is too short to be a GGUF model (" + head.length + " bytes)");
            if (head[0] != 'G' || head[1] != 'G' || head[2] != 'U' || head[3] != 'F')
                return Optional.of("not a GGUF model file (it does not start with \"GGUF\")");
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
        return metadataProblem(file);
    }

    /// Metadata or tensor shapes llama.cpp would abort on (see [LoadCheck]). A header our reader refuses is left to
    /// llama.cpp, which refuses a damaged file with a message of its own, except where its loader accepts what it
    /// later aborts on: empty or impossible shapes, and text that is not UTF-8.
    private static Optional<String> metadataProblem(Path file) {
        if (Boolean.getBoolean(SKIP_LOAD_CHECK)) return Optional.empty();
        try {
            return LoadCheck.problem(GgufReader.read(file));
        } catch (GgufException e) {
            return switch (e.kind()) {
                case BAD_SHAPE, SHAPE_OVERFLOW, BAD_UTF8 -> Optional.of(e.getMessage());
                default -> Optional.empty();
            };
        }
    }
}
