package dev.karuku.app;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/// A stand-in for the model in screen tests that do not load one: continues the alphabet after the last user
/// message, one letter per token on its own platform thread (like a llama context's thread), until stopped, the
/// reply's length is reached, or its context of [#CONTEXT] tokens is full. Every character of the conversation
/// counts as one token.
final class AlphabetBackend implements ChatBackend {
    static final int CONTEXT = 512;
    private final long millisPerToken;

    AlphabetBackend(long millisPerToken) {
        this.millisPerToken = millisPerToken;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        String prompt = request.turns().stream().filter(t -> t.role() == Role.USER).reduce((a, b) -> b).orElseThrow().text();
        char last = prompt.isEmpty() ? 'a' : Character.toLowerCase(prompt.charAt(prompt.length() - 1));
        int promptTokens = tokens(request.systemPrompt(), request.turns());
        AtomicBoolean stop = new AtomicBoolean();
        Thread.ofPlatform().name("test-generation").start(() -> {
            long start = System.nanoTime();
            int n = 0;
            char c = last;
            while (!stop.get() && n < request.sampling().maxTokens() && promptTokens + n < CONTEXT) {
                c = c == 'z' ? 'a' : (char) (c + 1);
                listener.token(String.valueOf(c));
                n++;
                try {
                    Thread.sleep(millisPerToken);
                } catch (InterruptedException e) {
                    break;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            MessageStats.Limit limit = stop.get() ? null : n == request.sampling().maxTokens() ? MessageStats.Limit.REPLY_LENGTH
                    : promptTokens + n >= CONTEXT ? MessageStats.Limit.CONTEXT : null;
            listener.done(new Result(n, n / Math.max(secs, 1e-3), millisPerToken, stop.get(), promptTokens + n, limit));
        });
        return () -> stop.set(true);
    }

    @Override
    public int contextLength() {
        return CONTEXT;
    }

    @Override
    public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
        return CompletableFuture.completedFuture(Math.min(CONTEXT, tokens(systemPrompt, turns)));
    }

    private static int tokens(String systemPrompt, List<Turn> turns) {
        return (systemPrompt == null ? 0 : systemPrompt.length()) + turns.stream().mapToInt(t -> t.text().length()).sum();
    }
}
