package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.Sampling;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.chat.ChatSession;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.template.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/// [ChatBackend] over the engine's [ChatSession]: the model's own chat template (or the engine's fallback rule),
/// and the KV cache reused across turns. The app's conversation store stays the record of what was said: when the
/// Chat screen asks about a conversation the session does not hold (another chat, or one reopened after a
/// restart) the session's history is replaced by it first. Generation runs on the model's inference thread.
final class LlamaChatBackend implements ChatBackend {
    private final ChatSession session;
    private final int contextLength;
    private final Consumer<GenerationStats> replied;

    LlamaChatBackend(dev.karuku.engine.llama.LoadedModel model, int contextLength) {
        this(model, contextLength, null);
    }

    /// @param replied told every finished reply's timings (null: nobody)
    LlamaChatBackend(dev.karuku.engine.llama.LoadedModel model, int contextLength, Consumer<GenerationStats> replied) {
        this.session = new ChatSession(model, null);
        this.contextLength = contextLength;
        this.replied = replied;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        List<Turn> turns = request.turns();
        if (turns.isEmpty() || turns.getLast().role() != Role.USER) throw new IllegalArgumentException("the last turn must be the user's");
        List<ChatMessage> before = messages(turns.subList(0, turns.size() - 1));
        if (!session.messages().equals(before)) session.restore(before);
        session.setSystemPrompt(request.systemPrompt());
        session.setTemplateArgs(request.templateArgs());
        GenerateOptions options = request.generateOptions();
        var generation = session.send(turns.getLast().text(), options, request.grammar(), new dev.karuku.engine.llama.GenerationListener() {
            @Override public void onText(String piece) { listener.token(piece); }
            @Override public void onPrompt(int tokens) { listener.reading(tokens); }
        });
        generation.result().whenComplete((r, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof TemplateException.Raised) listener.templateRefused(cause.getMessage());
                else listener.failed(cause.getMessage());
                return;
            }
            GenerationStats st = r.stats();
            if (replied != null) replied.accept(st);
            listener.done(new Result(st.generatedTokens(), st.tokensPerSecond(), Math.round(st.timeToFirstTokenMillis()),
                    r.stopReason() == StopReason.CANCELLED, session.contextUsed(), switch (r.stopReason()) {
                        case MAX_TOKENS -> MessageStats.Limit.REPLY_LENGTH;
                        case CONTEXT_FULL -> MessageStats.Limit.CONTEXT;
                        case END_OF_GENERATION, STOP_STRING, CANCELLED -> null;
                    }));
        });
        return generation::cancel;
    }

    @Override
    public TemplateInfo templateInfo() {
        return new TemplateInfo(session.template().jinjaFailure().orElse(null), session.template().offersThinkingSwitch());
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
        return session.measure(systemPrompt, messages(turns), maxTokens);
    }

    private static List<ChatMessage> messages(List<Turn> turns) {
        List<ChatMessage> messages = new ArrayList<>(turns.size());
        for (Turn t : turns) messages.add(t.role() == Role.USER ? ChatMessage.user(t.text()) : ChatMessage.assistant(t.text(), t.thinking()));
        return messages;
    }
}
