package dev.karuku.engine.cli;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/// Turns exceptions into the one line a person reads on stderr.
final class CliErrors {

    private CliErrors() {}

    /// A mistake in how the command was called (exit code 2).
    static final class UsageProblem extends RuntimeException {
        UsageProblem(String message) {
            super(message);
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
