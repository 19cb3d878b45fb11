package dev.karuku.engine.conversation;

/// How an assistant answer was produced, shown under it: the number of tokens, the speed and the wait for the
/// first token. Kept with the message so it is still there after a restart.
///
/// @param tokens             tokens generated
/// @param tokensPerSecond    generation speed after the first token
/// @param firstTokenMillis   time from sending to the first token, in milliseconds
/// @param stopped            true when the user stopped the answer before the model finished it
public record MessageStats(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped) {}
