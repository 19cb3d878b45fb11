package dev.karuku.engine.chat;

import java.util.Locale;

/// Who speaks a [ChatMessage]; [#wireName] is the role string chat templates expect.
public enum ChatRole {
    SYSTEM, USER, ASSISTANT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
