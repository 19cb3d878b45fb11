package dev.karuku.engine.llama;

import java.util.List;

/// llama.cpp did not accept a GBNF grammar: a syntax error, an undefined rule, no `root` rule, or left recursion.
/// The message is llama.cpp's reason as far as it logged one (the exact position of a syntax error goes to the
/// process's standard error, not to its log).
public final class GrammarException extends LlamaException {

    public GrammarException(String reason, List<LogLine> log) {
        super("the grammar is not valid: " + reason, log);
    }
}
