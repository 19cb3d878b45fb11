package dev.karuku.engine.conversation;

/// How an assistant answer was produced, shown under it: the number of tokens, the speed, the wait for the
/// first token, and whether something other than the model ended it. Kept with the message so it is still there
/// after a restart.
///
/// @param tokens             tokens generated
/// @param tokensPerSecond    generation speed after the first token
/// @param firstTokenMillis   time from sending to the first token, in milliseconds
/// @param stopped            true when the user stopped the answer before the model finished it
/// @param limit              the limit that cut the answer short, or null when the model ended it (or the user did);
///                           absent from conversations saved before it was recorded
/// @param thinkingMillis     how long a reasoning model thought before it answered, or null when it did not think
///                           (absent from conversations saved before it was recorded)
/// @param draftedTokens      tokens proposed by speculative decoding (a draft model, prompt lookup), or null without it
/// @param acceptedTokens     proposed tokens the model accepted, or null without speculative decoding
/// @param speedUp            the answer's speed over the model's measured speed without speculative decoding, or null
///                           when there was no speculation or no such measurement
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record MessageStats(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, Limit limit,
                           Long thinkingMillis, Integer draftedTokens, Integer acceptedTokens, Double speedUp) {

    /// An answer without speculative decoding.
    public MessageStats(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, Limit limit,
                        Long thinkingMillis) {
        this(tokens, tokensPerSecond, firstTokenMillis, stopped, limit, thinkingMillis, null, null, null);
    }

    /// What can cut an answer short before the model ends it.
    public enum Limit {
        /// The longest reply the user allows (its maximum tokens) was reached.
        REPLY_LENGTH,
        /// The model's context was full: the conversation and the answer filled every token it holds.
        CONTEXT
    }

    /// An answer the model ended, or the user stopped.
    public MessageStats(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped) {
        this(tokens, tokensPerSecond, firstTokenMillis, stopped, null, null);
    }

    /// An answer without thinking.
    public MessageStats(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, Limit limit) {
        this(tokens, tokensPerSecond, firstTokenMillis, stopped, limit, null);
    }
}
