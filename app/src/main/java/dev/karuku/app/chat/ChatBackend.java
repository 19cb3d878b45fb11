package dev.karuku.app.chat;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/// What the Chat screen needs from the engine: generate the assistant's next reply for a conversation.
/// Implemented over the engine's chat session by the composition root; tests supply their own.
public interface ChatBackend {
    /// Starts the reply to `request`. Events go to `listener` on the backend's own thread, in order:
    /// any number of `token`, then exactly one of `done` or `failed`.
    Generation reply(ChatRequest request, Listener listener);

    /// Tokens of context the loaded model was given.
    int contextLength();

    /// Tokens of context the conversation `turns` takes with `systemPrompt`, as the next reply would give it to the
    /// model: once it outgrows the context, only its newest turns, leaving room for a `maxTokens` reply. For a
    /// conversation opened from disk, whose next turn has not run yet. Completes on the backend's own thread.
    CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens);

    /// What the Chat screen may say and offer about the model's chat template. The in-process backend knows it;
    /// others answer [TemplateInfo#UNKNOWN] until they can ask.
    default TemplateInfo templateInfo() {
        return TemplateInfo.UNKNOWN;
    }

    /// @param fallbackReason why the model's own template could not be run (llama.cpp's format is used instead), or
    ///                       null when it runs or the model has none
    /// @param thinkingSwitch true when the template reads `enable_thinking`: thinking can be switched off
    record TemplateInfo(String fallbackReason, boolean thinkingSwitch) {
        public static final TemplateInfo UNKNOWN = new TemplateInfo(null, false);
    }

    /// One message of the conversation so far.
    ///
    /// @param text     what the user wrote, or the assistant's answer
    /// @param thinking the assistant's thinking before its answer (null or empty for none): given to the template
    ///                 apart from the answer, so the template decides whether the model sees it again
    record Turn(Role role, String text, String thinking) {
        public Turn {
            if (thinking != null && thinking.isEmpty()) thinking = null;
        }

        public Turn(Role role, String text) {
            this(role, text, null);
        }
    }

    /// The conversation to continue and how to sample.
    ///
    /// @param grammar      a GBNF grammar the reply must match (JSON mode), or null
    /// @param templateArgs extra variables for the model's chat template (for example `enable_thinking`); may be empty
    record ChatRequest(String systemPrompt, List<Turn> turns, Sampling sampling, String grammar,
                       Map<String, Object> templateArgs) {
        public ChatRequest {
            turns = List.copyOf(turns);
            templateArgs = templateArgs == null ? Map.of() : Map.copyOf(templateArgs);
        }

        public ChatRequest(String systemPrompt, List<Turn> turns, Sampling sampling) {
            this(systemPrompt, turns, sampling, null, Map.of());
        }

        /// The conversation as the engine's chat messages: the system prompt (when not blank) and every turn.
        /// Every backend (in-process, worker, remote) builds its request from this and [#generateOptions()].
        public List<ChatMessage> messages() {
            List<ChatMessage> m = new ArrayList<>(turns.size() + 1);
            if (systemPrompt != null && !systemPrompt.isBlank()) m.add(ChatMessage.system(systemPrompt));
            for (Turn t : turns) m.add(t.role() == Role.USER ? ChatMessage.user(t.text()) : ChatMessage.assistant(t.text(), t.thinking()));
            return m;
        }

        /// The reply's token limit and sampling, as the engine takes them: temperature 0 is greedy (the penalty and
        /// the seed then change nothing worth having), otherwise top-k, top-p, min-p, the repeat penalty over the last
        /// 64 tokens, and the seed.
        public GenerateOptions generateOptions() {
            Sampling s = sampling;
            SamplingParams params = s.temperature() <= 0 ? SamplingParams.greedy()
                    : SamplingParams.defaults().withTemperature((float) s.temperature()).withTopK(s.topK())
                            .withTopP((float) Math.clamp(s.topP(), 0.01, 1.0)).withMinP((float) Math.clamp(s.minP(), 0, 1))
                            .withRepeatPenalty((float) Math.max(0.01, s.repeatPenalty()), 64).withSeed(s.seed());
            return GenerateOptions.defaults().withMaxTokens(s.maxTokens()).withSampling(params);
        }
    }

    /// How a reply ended.
    ///
    /// @param tokens           tokens generated
    /// @param tokensPerSecond  speed after the first token
    /// @param firstTokenMillis wait for the first token
    /// @param stopped          stopped by [Generation#stop()]
    /// @param contextUsed      tokens of context in use after the reply (prompt + reply)
    /// @param limit            the limit that cut the reply short, or null when the model ended it (or it was stopped)
    /// @param drafted          tokens proposed by speculative decoding (a draft model, prompt lookup); 0 without it
    /// @param accepted         proposed tokens the model accepted
    /// @param speedUp          the reply's speed over this model's measured speed without speculation (0: none measured)
    record Result(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, int contextUsed,
                  MessageStats.Limit limit, int drafted, int accepted, double speedUp) {
        /// A reply without speculative decoding.
        public Result(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, int contextUsed,
                      MessageStats.Limit limit) {
            this(tokens, tokensPerSecond, firstTokenMillis, stopped, contextUsed, limit, 0, 0, 0);
        }

        /// A reply the model ended, or that was stopped.
        public Result(int tokens, double tokensPerSecond, long firstTokenMillis, boolean stopped, int contextUsed) {
            this(tokens, tokensPerSecond, firstTokenMillis, stopped, contextUsed, null);
        }
    }

    /// Receives a reply as it is generated.
    interface Listener {
        /// The model has started reading the conversation (`promptTokens` of it new); the first token follows.
        default void reading(int promptTokens) {}

        void token(String piece);

        void done(Result result);

        void failed(String message);

        /// The model's chat template refused the conversation with `message`, its own words (Gemma 2 refuses a system
        /// prompt); the reply did not start. Backends that cannot tell it apart report it as [#failed].
        default void templateRefused(String message) {
            failed(message);
        }
    }

    /// A reply in progress.
    interface Generation {
        /// Asks the generation to stop after the current token; `done` follows with `stopped = true`.
        void stop();
    }
}
