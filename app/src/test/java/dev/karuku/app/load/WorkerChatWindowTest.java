package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.ChatBackend.Turn;
import dev.karuku.app.chat.Sampling;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// A conversation longer than the context, counted by the model's own worker: the window a reply gets is the one
/// dropping the oldest exchanges one count at a time gave, found with a few counts instead of one per dropped
/// exchange (each count is a round trip to the worker, tokenizing the whole window).
class WorkerChatWindowTest {
    @TempDir Path dir;

    @Test
    void aLongSlidingConversationGetsTheSameWindowWithAFewCounts() throws Exception {
        try (TestHost test = new TestHost()) {
            ModelLoader.Loaded loaded = test.loader().load(TestModels.successor(dir.resolve("m.gguf")),
                    LoadSettings.of(0, 512, KvCacheType.F16, FlashAttention.AUTO, 1), f -> {}).result().get(120, TimeUnit.SECONDS);
            WorkerChatBackend chat = (WorkerChatBackend) loaded.chat();
            AtomicInteger counts = new AtomicInteger();
            ToIntFunction<List<ChatMessage>> count = m -> {
                counts.incrementAndGet();
                return test.host.countTokens(chat.model(), m).join();
            };
            List<Turn> all = new ArrayList<>();
            for (int i = 0; i < 81; i++) { // a user turn and an answer of different lengths, 41 user turns in all
                String words = "word ".repeat(3 + (i * 7) % 23);
                all.add(new Turn(i % 2 == 0 ? Role.USER : Role.ASSISTANT, i + ": " + words));
            }
            int longOnes = 0;
            for (int n : new int[] {1, 3, 9, 21, 41, 61, 81}) {
                for (int maxTokens : new int[] {0, 64, 100_000}) {
                    var request = new ChatBackend.ChatRequest("Be brief.", all.subList(0, n), new Sampling(0, 1, 1, 1, maxTokens));
                    AtomicInteger linearCounts = new AtomicInteger();
                    WorkerChatBackend.Window expected = linear(request, maxTokens, chat.contextLength(), m -> {
                        linearCounts.incrementAndGet();
                        return count.applyAsInt(m);
                    });
                    counts.set(0);
                    WorkerChatBackend.Window got = WorkerChatBackend.window(request, maxTokens, chat.contextLength(), count);
                    assertThat(got.request().messages()).as("%d turns, %d max tokens", n, maxTokens).isEqualTo(expected.request().messages());
                    assertThat(got.tokens()).isEqualTo(expected.tokens());
                    int userTurns = (n + 1) / 2;
                    assertThat(counts.get()).as("counts for %d turns", n)
                            .isLessThanOrEqualTo(2 + (int) Math.ceil(Math.log(userTurns) / Math.log(2)));
                    if (linearCounts.get() >= 10) longOnes++;
                }
            }
            assertThat(longOnes).as("conversations that took 10 or more counts one exchange at a time").isPositive();
            loaded.resources().close();
        }
    }

    /// The window as it was found before: count, drop the oldest exchange, count again, until it fits.
    private static WorkerChatBackend.Window linear(ChatBackend.ChatRequest request, int maxTokens, int contextLength,
                                                   ToIntFunction<List<ChatMessage>> count) {
        int reserve = maxTokens <= 0 ? contextLength / 4 : Math.min(maxTokens, contextLength / 4);
        List<Turn> turns = request.turns();
        int start = 0;
        while (true) {
            var view = new ChatBackend.ChatRequest(request.systemPrompt(), turns.subList(start, turns.size()), request.sampling(),
                    request.grammar(), request.templateArgs());
            int tokens = count.applyAsInt(view.messages());
            int next = start + 1;
            while (next < turns.size() - 1 && turns.get(next).role() != Role.USER) next++;
            if (tokens + reserve <= contextLength || next >= turns.size()) return new WorkerChatBackend.Window(view, Math.min(tokens, contextLength));
            start = next;
        }
    }
}
