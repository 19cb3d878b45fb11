package dev.karuku.engine.conversation;

/// A conversation could not be read or written; the message says which and why, in words for people.
public final class ConversationException extends RuntimeException {
    public ConversationException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConversationException(String message) {
        super(message);
    }
}
