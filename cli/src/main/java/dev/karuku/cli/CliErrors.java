package dev.karuku.cli;

import dev.karuku.engine.gguf.GgufException;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.LoadCheck;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/// Turns exceptions into the one line a person reads on stderr.
final class CliErrors {

    private CliErrors() {}

    /// A mistake in how the command was called (exit code 2).
    static final class UsageProblem extends RuntimeException {
        UsageProblem(String message) {
            super(message);
        }
    }

    /// Reads a model's GGUF header (not its tensor data) and refuses metadata llama.cpp would abort on; a damaged
    /// file's message names the file.
    static GgufFile readHeader(Path model) throws IOException, GgufException {
        if (!Files.isRegularFile(model)) throw new NoSuchFileException(model.toString());
        try {
            GgufFile file = GgufReader.read(model);
            LoadCheck.check(file);
            return file;
        } catch (GgufException e) {
            if (e.kind() == GgufException.Kind.IO) throw e;
            throw new GgufException(e.kind(), e.getMessage() + ": " + model, e.neededBytes(), e);
        }
    }

    static String describe(Throwable e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file: " + n.getFile();
            case FileNotFoundException f -> "file not found: " + f.getMessage();
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            default -> {
                String m = e.getMessage();
                yield m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().lines().findFirst().orElse(m);
            }
        };
    }
}
