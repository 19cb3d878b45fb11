package dev.karuku.app;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.conversation.Role;
import java.util.concurrent.atomic.AtomicBoolean;

/// A stand-in for the model in screen tests that do not load one: continues the alphabet after the last user
/// message, one letter per token on its own platform thread (like a llama context's thread), until stopped.
final class AlphabetBackend implements ChatBackend {
    private final long millisPerToken;

    AlphabetBackend(long millisPerToken) {
        this.millisPerToken = millisPerToken;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        String prompt = request.turns().stream().filter(t -> t.role() == Role.USER).reduce((a, b) -> b).orElseThrow().text();
        char last = prompt.isEmpty() ? 'a' : Character.toLowerCase(prompt.charAt(prompt.length() - 1));
        AtomicBoolean stop = new AtomicBoolean();
        Thread.ofPlatform().name("test-generation").start(() -> {
            long start = System.nanoTime();
            int n = 0;
            char c = last;
            while (!stop.get() && n < request.sampling().maxTokens()) {
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
            listener.done(new Result(n, n / Math.max(secs, 1e-3), millisPerToken, stop.get(), prompt.length() + n));
        });
        return () -> stop.set(true);
    }

    @Override
    public int contextLength() {
        return 512;
    }
}
