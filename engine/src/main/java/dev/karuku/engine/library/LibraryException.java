package dev.karuku.engine.library;

import java.io.IOException;

/// A library operation refused for a reason a person can act on; [#messageKey()] is for the app's bundles.
public final class LibraryException extends IOException {

    private final String messageKey;

    public LibraryException(String messageKey, String message) {
        this(messageKey, message, null);
    }

    public LibraryException(String messageKey, String message, Throwable cause) {
        super(message, cause);
        this.messageKey = messageKey;
    }

    /// `library.error.notGguf`, `library.error.notFound`, `library.error.exists`, …
    public String messageKey() {
        return messageKey;
    }
}
