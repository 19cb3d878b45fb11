package dev.karuku.engine.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;

/// One line of a conversation's log. The log is append-only: a streamed answer is an `add` followed by one
/// `append` per saved token batch and a `finish`, so a crash can lose at most the batch not yet written.
///
/// Operations: `meta` (first line: title, created), `title`, `system`, `fold` (where the system prompt goes), `add`,
/// `append`, `finish`, `fail` (an answer that ended early, and why),
/// `truncate` (drop the message and everything after it), `branch` (the message and what follows it become an older
/// version: the next message added is its sibling — regenerate and edit-and-resend), `select` (show the version
/// that starts with the message). Every message's parent is the end of the shown path when it was added, so logs
/// written before branching existed (no `branch`, no `select`) read as they always did.
@JsonInclude(JsonInclude.Include.NON_NULL)
record LogEntry(String op, String msg, String role, String text, Long at, MessageStats stats) {

    static LogEntry meta(String title, long at) {
        return new LogEntry("meta", null, null, title, at, null);
    }

    static LogEntry title(String title) {
        return new LogEntry("title", null, null, title, null, null);
    }

    static LogEntry system(String prompt) {
        return new LogEntry("system", null, null, prompt, null, null);
    }

    /// The system prompt goes at the start of the first user message (`text` "first-message"), or as a system
    /// message again (`text` empty): a model's template that refuses a system role.
    static LogEntry fold(boolean firstMessage) {
        return new LogEntry("fold", null, null, firstMessage ? "first-message" : "", null, null);
    }

    static LogEntry add(String msg, Role role, String text, long at) {
        return new LogEntry("add", msg, role.name(), text, at, null);
    }

    static LogEntry append(String msg, String text) {
        return new LogEntry("append", msg, null, text, null, null);
    }

    static LogEntry finish(String msg, MessageStats stats) {
        return new LogEntry("finish", msg, null, null, null, stats);
    }

    /// The answer `msg` ended early for `reason` (the words the person was shown).
    static LogEntry fail(String msg, String reason) {
        return new LogEntry("fail", msg, null, reason, null, null);
    }

    static LogEntry branch(String msg) {
        return new LogEntry("branch", msg, null, null, null, null);
    }

    static LogEntry select(String msg) {
        return new LogEntry("select", msg, null, null, null, null);
    }

    static LogEntry truncate(String msg) {
        return new LogEntry("truncate", msg, null, null, null, null);
    }
}
