package dev.karuku.engine.chat;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.ContextOverflowException;
import dev.karuku.engine.llama.Generation;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.llama.Model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/// A conversation with a loaded model, fast on every turn.
///
/// Each turn renders the whole conversation with the model's chat template and tokenizes it; the context knows
/// which tokens its KV cache holds, so only the tokens after the common prefix are evaluated — normally just the
/// new user message and the assistant header, however long the chat ([#lastTurn] shows the numbers).
/// [#regenerate] and [#edit] rewrite the end of the history; the cache then keeps everything up to the first
/// changed token.
///
/// When the conversation outgrows the context, the oldest turns slide out of what the model sees (the system
/// prompt stays, and [#messages] still lists everything); a single message too long for the context fails with a
/// [ContextOverflowException] and leaves the history as it was. Generation runs on the model's
/// [dev.karuku.engine.llama.InferenceWorker]; every method returns at once.
public final class ChatSession {

    private final LoadedModel loaded;
    private final ChatTemplate template;
    private final List<ChatMessage> history = new ArrayList<>();
    private volatile String systemPrompt;
    private volatile boolean systemInFirstUserMessage;
    private volatile Map<String, Object> templateArgs = Map.of();
    private volatile int windowStart;
    private volatile int contextUsed;
    private volatile GenerationStats lastTurn;

    /// @param systemPrompt instructions for the model, or null for none
    public ChatSession(LoadedModel loaded, String systemPrompt) {
        this.loaded = loaded;
        this.template = ChatTemplate.of(loaded.model());
        this.systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt;
    }

    /// The conversation so far (system prompt excluded), oldest first.
    public synchronized List<ChatMessage> messages() {
        return List.copyOf(history);
    }

    public ChatTemplate template() {
        return template;
    }

    /// Changes the system prompt from the next turn on (the cache is then re-evaluated from the start).
    public void setSystemPrompt(String prompt) {
        this.systemPrompt = prompt == null || prompt.isBlank() ? null : prompt;
    }

    /// Puts the system prompt at the start of the first user message (then a blank line) instead of giving it as a
    /// system turn: for models whose template refuses a system role (Gemma 2 raises "System role not supported",
    /// [dev.karuku.engine.template.TemplateException.Raised]), so the user's instructions still reach the model.
    public void setSystemPromptInFirstUserMessage(boolean on) {
        this.systemInFirstUserMessage = on;
    }

    /// Extra variables for the model's Jinja template from the next turn on (`enable_thinking` = false switches a
    /// Qwen3's thinking off), as llama-server's `chat_template_kwargs`; empty for none.
    public void setTemplateArgs(Map<String, Object> args) {
        this.templateArgs = args == null ? Map.of() : Map.copyOf(args);
    }

    /// Numbers of the last finished turn: `promptTokens` evaluated now, `reusedTokens` taken from the KV cache.
    public Optional<GenerationStats> lastTurn() {
        return Optional.ofNullable(lastTurn);
    }

    /// Tokens the model holds in its context after the last turn (what it sees of the conversation, the reply
    /// included): at most the context length, also once the oldest turns have slid out of view.
    public int contextUsed() {
        return contextUsed;
    }

    /// Prompt tokens the last turn had to evaluate (0 before the first turn).
    public int lastTurnEvaluatedTokens() {
        GenerationStats s = lastTurn;
        return s == null ? 0 : s.promptTokens();
    }

    /// Tokens of context `conversation` (oldest first, no system prompt) takes with `systemPrompt`, as a turn
    /// would give it to the model: once it outgrows the context, only the newest turns that leave room for a
    /// `maxTokens` reply (0: a quarter of the context). For the context meter of a conversation opened from disk,
    /// before its next turn. Tokenizes on the model's inference thread, after any turn already queued.
    public CompletableFuture<Integer> measure(String systemPrompt, List<ChatMessage> conversation, int maxTokens) {
        List<ChatMessage> copy = List.copyOf(conversation);
        String system = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt;
        return loaded.withContext(ctx -> copy.isEmpty() ? 0
                : Math.min(ctx.size(), window(ctx, system, copy, 0, maxTokens, false).tokens().length));
    }

    /// Adds `userText` and generates the assistant's reply; the reply joins the history when it ends
    /// (also when cancelled, with the text so far).
    public Generation send(String userText, GenerateOptions options, GenerationListener listener) {
        return send(userText, options, null, listener);
    }

    /// Like [#send(String, GenerateOptions, GenerationListener)], with the reply held to `grammar` (GBNF, root rule
    /// `root`, for example a JSON schema's; null for none). A grammar llama.cpp refuses fails the turn.
    public Generation send(String userText, GenerateOptions options, String grammar, GenerationListener listener) {
        return loaded.generateWith((ctx, cancel) -> run(ctx, List.of(ChatMessage.user(userText)), 0, options, grammar, listener, cancel));
    }

    /// Replaces the last assistant reply with a new one.
    public Generation regenerate(GenerateOptions options, GenerationListener listener) {
        return turn(List.of(), 1, options, listener);
    }

    /// Replaces message `index` (a user message) with `newText`, drops everything after it, and generates a
    /// new reply.
    public Generation edit(int index, String newText, GenerateOptions options, GenerationListener listener) {
        synchronized (this) {
            if (index < 0 || index >= history.size() || history.get(index).role() != ChatRole.USER)
                throw new IllegalArgumentException("message " + index + " is not a user message");
            return turn(List.of(ChatMessage.user(newText)), history.size() - index, options, listener);
        }
    }

    /// Replaces the history with `messages` (a conversation reopened from disk, or edited elsewhere) without
    /// generating; the next turn reuses the KV cache as far as the rendered prompt still matches it.
    public synchronized void restore(List<ChatMessage> messages) {
        for (ChatMessage m : messages) {
            if (m.role() == ChatRole.SYSTEM) throw new IllegalArgumentException("the system prompt is not part of the history");
        }
        history.clear();
        history.addAll(messages);
        windowStart = 0;
    }

    /// Forgets the conversation (the system prompt stays). The KV cache is reused as far as it still matches.
    public synchronized void clear() {
        history.clear();
        windowStart = 0;
    }

    /// One turn: drop `dropLast` messages (an old reply, an edited message), add `add`, generate, record.
    private Generation turn(List<ChatMessage> add, int dropLast, GenerateOptions options, GenerationListener listener) {
        return loaded.generateWith((ctx, cancel) -> run(ctx, add, dropLast, options, null, listener, cancel));
    }

    private GenerationResult run(Context ctx, List<ChatMessage> add, int dropLast, GenerateOptions options, String grammar,
                                 GenerationListener listener, Cancellation cancel) {
        List<ChatMessage> conversation;
        synchronized (this) {
            if (dropLast > 0) {
                if (dropLast > history.size() || (add.isEmpty() && history.getLast().role() != ChatRole.ASSISTANT))
                    throw new IllegalStateException("there is no reply to regenerate");
            }
            conversation = new ArrayList<>(history.subList(0, history.size() - dropLast));
            conversation.addAll(add);
        }
        Window w = window(ctx, systemPrompt, conversation, windowStart, options.maxTokens(), true);
        int start = w.start();
        int[] tokens = w.tokens();
        if (tokens.length >= ctx.size()) throw new ContextOverflowException(tokens.length + 1, ctx.size());
        GenerateOptions opts = options.withStopStrings(Stream.concat(options.stopStrings().stream(),
                template.stopStrings().stream()).distinct().toList());
        // A template that opens the thinking itself (DeepSeek-R1 distills) leaves the model to write only "</think>":
        // the listener is given the "<think>" too, so whoever shows the reply can tell the thinking from the answer.
        boolean opened = template.isModelTemplate()
                && ChatTemplate.opensThinking(template.apply(view(systemPrompt, conversation, start), true, templateArgs));
        if (opened) listener.onText(ThinkingText.OPEN + "\n");
        GenerationResult result = ctx.generate(tokens, opts, grammar, listener, cancel);
        // the thinking is kept apart from the answer: the template decides whether later turns show it to the model
        ThinkingText reply = ThinkingText.of(opened ? ThinkingText.OPEN + "\n" + result.text() : result.text());
        synchronized (this) {
            history.clear();
            history.addAll(conversation);
            history.add(reply.thinks() ? ChatMessage.assistant(reply.answer(), reply.thinking()) : ChatMessage.assistant(result.text()));
            windowStart = start;
        }
        lastTurn = result.stats();
        contextUsed = ctx.cachedTokenCount();
        return result;
    }

    /// The index after the first user turn at or after `start` and its reply: the next window start.
    private static int nextTurnStart(List<ChatMessage> conversation, int start) {
        int i = start + 1;
        while (i < conversation.size() - 1 && conversation.get(i).role() != ChatRole.USER) i++;
        return i;
    }

    /// What the model sees of `conversation`: from the first turn at or after `from` that leaves room for the reply
    /// (`maxTokens`, 0 for a quarter of the context), sliding the oldest turns out of view until it fits.
    private Window window(Context ctx, String system, List<ChatMessage> conversation, int from, int maxTokens, boolean reply) {
        int reserve = maxTokens == 0 ? ctx.size() / 4 : Math.min(maxTokens, ctx.size() / 4);
        int start = Math.min(from, conversation.size() - 1);
        int[] tokens = tokens(ctx.model(), system, conversation, start, reply);
        if (tokens.length + reserve > ctx.size()) {
            // Skip at once the turns that cannot fit: counted message by message from the newest (each message
            // tokenized once), so a long history costs one pass, not one full rendering per turn left out.
            int budget = ctx.size() - reserve, sum = 0;
            for (int i = conversation.size() - 1; i > start; i--) {
                sum += ctx.model().tokenize(conversation.get(i).content(), false, false).length;
                if (sum > budget) {
                    start = Math.min(conversation.size() - 1, nextTurnStart(conversation, i));
                    tokens = tokens(ctx.model(), system, conversation, start, reply);
                    break;
                }
            }
        }
        while (tokens.length + reserve > ctx.size() && start < conversation.size() - 1) {
            start = nextTurnStart(conversation, start);
            tokens = tokens(ctx.model(), system, conversation, start, reply);
        }
        return new Window(start, tokens);
    }

    private record Window(int start, int[] tokens) {}

    private int[] tokens(Model model, String system, List<ChatMessage> conversation, int start, boolean reply) {
        return template.tokens(model, view(system, conversation, start), reply, templateArgs);
    }

    /// The messages a turn gives the template: the system prompt (or folded into the first user message), then the
    /// conversation from `start`.
    private List<ChatMessage> view(String system, List<ChatMessage> conversation, int start) {
        List<ChatMessage> view = new ArrayList<>();
        boolean fold = systemInFirstUserMessage;
        if (system != null && !fold) view.add(ChatMessage.system(system));
        view.addAll(conversation.subList(start, conversation.size()));
        if (system != null && fold) {
            for (int i = 0; i < view.size(); i++) {
                if (view.get(i).role() == ChatRole.USER) {
                    view.set(i, ChatMessage.user(system + "\n\n" + view.get(i).content()));
                    break;
                }
            }
        }
        return view;
    }
}
