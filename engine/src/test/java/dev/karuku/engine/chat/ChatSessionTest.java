package dev.karuku.engine.chat;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.llama.ContextOverflowException;
import dev.karuku.engine.llama.Generation;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.llama.TestFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Multi-turn chat on the successor model (Q4_K_M): the KV cache carries over between turns, generation can be
/// cancelled mid-stream, and the session stays usable afterwards.
class ChatSessionTest {

    private static LoadedModel model;
    private static final GenerateOptions EIGHT_GREEDY = new GenerateOptions(8, SamplingParams.greedy(), List.of());

    @BeforeAll
    static void load() {
        model = LoadedModel.open(LlamaRuntime.load(), TestFixtures.successor(FileType.MOSTLY_Q4_K_M),
                LoadOptions.of(TestFixtures.tinySettings().withContextLength(512))).join();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void followUpTurnEvaluatesOnlyTheNewTokens() {
        ChatSession chat = new ChatSession(model, "be brief");
        GenerationResult first = chat.send("abc", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        GenerationStats t1 = chat.lastTurn().orElseThrow();
        assertThat(first.text()).isNotEmpty();

        GenerationResult second = chat.send("xyz", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        GenerationStats t2 = chat.lastTurn().orElseThrow();
        assertThat(second.text()).isNotEmpty();
        int total2 = t2.promptTokens() + t2.reusedTokens();
        // Everything of turn 1 (its prompt and the reply tokens evaluated) came from the cache ...
        assertThat(t2.reusedTokens()).isGreaterThanOrEqualTo(t1.promptTokens() + t1.reusedTokens() + first.stats().generatedTokens() - 1);
        // ... so only the reply's end, the new user message and the assistant header were evaluated.
        assertThat(t2.promptTokens()).isEqualTo(chat.lastTurnEvaluatedTokens()).isLessThan(total2 / 2).isPositive();
        assertThat(chat.messages()).extracting(ChatMessage::role)
                .containsExactly(ChatRole.USER, ChatRole.ASSISTANT, ChatRole.USER, ChatRole.ASSISTANT);
        assertThat(chat.messages().get(3).content()).isEqualTo(second.text());
    }

    @Test
    void modelWhoseVocabularyLacksItsTemplatesMarkersContinuesThePlainText() {
        ChatSession chat = new ChatSession(model, null);
        assertThat(chat.template().isPlain()).isTrue();
        assertThat(chat.template().apply(List.of(ChatMessage.system("be brief"), ChatMessage.user("abc"),
                ChatMessage.assistant("def"), ChatMessage.user("xyz")), true)).isEqualTo("be brief\n\nabcdef\nxyz");
        String reply = chat.send("abc", EIGHT_GREEDY, GenerationListener.NONE).result().join().text();
        assertThat(reply).startsWith("defghij");
    }

    @Test
    void restoredHistoryIsContinuedLikeOneTypedInThisSession() {
        ChatSession chat = new ChatSession(model, null);
        chat.restore(List.of(ChatMessage.user("abc"), ChatMessage.assistant("defghijk")));
        chat.send("lmn", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        assertThat(chat.messages()).extracting(ChatMessage::content).startsWith("abc", "defghijk", "lmn");
        assertThatThrownBy(() -> chat.restore(List.of(ChatMessage.system("no")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void regenerateReplacesTheLastReplyAndEditTruncatesTheHistory() {
        ChatSession chat = new ChatSession(model, null);
        String reply = chat.send("abc", EIGHT_GREEDY, GenerationListener.NONE).result().join().text();
        chat.send("klm", EIGHT_GREEDY, GenerationListener.NONE).result().join();

        String again = chat.regenerate(EIGHT_GREEDY, GenerationListener.NONE).result().join().text();
        assertThat(chat.messages()).hasSize(4);
        assertThat(chat.messages().get(3).content()).isEqualTo(again);
        assertThat(chat.lastTurnEvaluatedTokens()).isLessThan(chat.lastTurn().orElseThrow().reusedTokens());

        chat.edit(0, "abc", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        assertThat(chat.messages()).hasSize(2);
        assertThat(chat.messages().get(1).content()).isEqualTo(reply); // greedy: same question, same answer
    }

    @Test
    void cancellingMidStreamStopsAtOnceAndTheSessionStaysUsable() throws Exception {
        ChatSession chat = new ChatSession(model, null);
        CountDownLatch thirdPiece = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        StringBuilder seen = new StringBuilder();
        GenerationListener slowReader = piece -> {
            seen.append(piece);
            if (seen.length() == 3) {
                thirdPiece.countDown();
                await(cancelled);
            }
        };
        Generation g = chat.send("abc", new GenerateOptions(0, SamplingParams.greedy(), List.of()), slowReader);
        assertThat(thirdPiece.await(30, TimeUnit.SECONDS)).isTrue();
        g.cancel();
        cancelled.countDown();
        GenerationResult r = g.result().get(30, TimeUnit.SECONDS);
        assertThat(r.stopReason()).isEqualTo(StopReason.CANCELLED);
        assertThat(r.text()).hasSize(3).isEqualTo(seen.toString());
        assertThat(chat.messages().getLast().content()).isEqualTo(r.text());

        GenerationResult next = chat.send("def", EIGHT_GREEDY, GenerationListener.NONE).result().get(30, TimeUnit.SECONDS);
        assertThat(next.stopReason()).isIn(StopReason.MAX_TOKENS, StopReason.END_OF_GENERATION);
        assertThat(chat.lastTurn().orElseThrow().reusedTokens()).isPositive();
    }

    @Test
    void aMessageTooLongForTheContextFailsClearlyAndChangesNothing() {
        ChatSession chat = new ChatSession(model, null);
        chat.send("abc", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        String huge = "abcdefghij".repeat(100); // 1000 tokens > 512
        assertThatThrownBy(() -> chat.send(huge, EIGHT_GREEDY, GenerationListener.NONE).result().join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(ContextOverflowException.class).hasMessageContaining("start a new chat");
        assertThat(chat.messages()).hasSize(2);
        assertThat(chat.send("xyz", EIGHT_GREEDY, GenerationListener.NONE).result().join().text()).isNotEmpty();
    }

    @Test
    void oldTurnsSlideOutOfViewWhenTheContextFills() {
        ChatSession chat = new ChatSession(model, "sys");
        String longish = "abcdefghijklmnopqrstuvwxy".repeat(4); // ~100 tokens a turn
        List<Integer> used = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chat.send(longish, EIGHT_GREEDY, GenerationListener.NONE).result().join();
            // the context meter's figure: never more than the context
            assertThat(chat.contextUsed()).isPositive().isLessThanOrEqualTo(512);
            used.add(chat.contextUsed());
        }
        assertThat(chat.messages()).hasSize(12); // all kept for display
        GenerationStats last = chat.lastTurn().orElseThrow();
        assertThat(last.promptTokens() + last.reusedTokens()).isLessThan(512);
        // six turns of ~109 tokens would need ~650: the oldest slid out and the figure stayed within the context
        assertThat(used.getFirst() * 6).isGreaterThan(512);
        assertThat(used.getLast()).isLessThan(used.getFirst() * 6);
    }

    @Test
    void aConversationOpenedFromDiskIsMeasuredAsTheModelWillSeeIt() {
        ChatSession chat = new ChatSession(model, "sys");
        chat.send("abc", EIGHT_GREEDY, GenerationListener.NONE).result().join();
        int afterTurn = chat.contextUsed();
        // the same two messages reopened in another session: it reads what the first session's cache holds
        ChatSession reopened = new ChatSession(model, null);
        int measured = reopened.measure("sys", chat.messages(), 8).join();
        // (the cache lacks the reply's last token: sampled, not yet evaluated)
        assertThat(measured).isBetween(afterTurn, afterTurn + 1);
        assertThat(reopened.measure("", chat.messages(), 8).join()).isLessThan(measured); // without "sys\n\n"
        assertThat(reopened.measure("sys", List.of(), 8).join()).isZero();

        // longer than the context: what the model will see of it, not the whole conversation
        String longish = "abcdefghijklmnopqrstuvwxy".repeat(4); // ~100 tokens a turn
        List<ChatMessage> longConversation = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            longConversation.add(ChatMessage.user(longish));
            longConversation.add(ChatMessage.assistant("zabcdefghijk"));
        }
        int whole = model.model().tokenize(chat.template().apply(java.util.stream.Stream.concat(
                java.util.stream.Stream.of(ChatMessage.system("sys")), longConversation.stream()).toList(), false), true, true).length;
        int seen = reopened.measure("sys", longConversation, 8).join();
        assertThat(whole).isGreaterThan(1000);
        assertThat(seen).isLessThanOrEqualTo(512 - 8).isGreaterThan(512 - 8 - 120); // a turn is ~115 tokens
        // a history of 1,000 such turns shows the same newest turns
        List<ChatMessage> longer = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) longer.addAll(longConversation.subList(0, 2));
        assertThat(reopened.measure("sys", longer, 8).join()).isEqualTo(seen);
        assertThat(reopened.messages()).isEmpty(); // measuring changes nothing
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
