package dev.karuku.engine.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.ModelLoadException;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.JsonGrammar;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// One speculative completion at a time on the successor model (greedy "abc" continues "defghij…"), with draft models
/// written for the test: an exact copy, one wrong on every third letter, one always wrong.
class SpeculativeCompleterTest {

    private static Path exact, everyThird, alwaysWrong;

    @BeforeAll
    static void drafts() throws IOException {
        Path dir = TestFixtures.tempDir();
        exact = TestModels.successor(dir.resolve("completer-draft-exact.gguf"), GgmlType.F32, ModelShape.successor(), 0);
        everyThird = TestModels.successor(dir.resolve("completer-draft-err3.gguf"), GgmlType.F32, ModelShape.successor(), 3);
        alwaysWrong = TestModels.successor(dir.resolve("completer-draft-err1.gguf"), GgmlType.F32, ModelShape.successor(), 1);
    }

    private static SpeculativeCompleter open(SpeculativeSettings s, int queueLimit) {
        return SpeculativeCompleter.load(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions(), s, queueLimit);
    }

    private static SpeculativeSettings draft(Path file) {
        return SpeculativeSettings.OFF.withDraft(file).withDraftMax(8);
    }

    private static CompletionRequest text(String prompt, int maxTokens) {
        return CompletionRequest.text("successor", prompt, new GenerateOptions(maxTokens, SamplingParams.greedy(), List.of()));
    }

    private static String plain(String prompt, int maxTokens) {
        try (BatchedCompleter c = BatchedCompleter.load(LlamaRuntime.load(), TestFixtures.successor(), TestFixtures.tinyOptions(), 1, 0)) {
            Recorder r = new Recorder();
            c.submit(text(prompt, maxTokens), r);
            r.await();
            return r.text.toString();
        }
    }

    @Test
    void everyDraftAndLookupGiveTheTextOfTheBatchedCompleterAndSayWhatTheyProposed() {
        String prompt = "abcdefghijklmnopqrstuvwxyzabc";
        String want = plain(prompt, 60);
        assertThat(want).startsWith("defghijklmnopqrstuvwxyz");
        for (SpeculativeSettings s : List.of(draft(exact), draft(everyThird), draft(alwaysWrong),
                SpeculativeSettings.OFF.withLookup(true), draft(everyThird).withLookup(true))) {
            try (SpeculativeCompleter c = open(s, 0)) {
                assertThat(c.sequenceSize()).isEqualTo(256);
                assertThat(c.speculative()).isEqualTo(s);
                Recorder r = new Recorder();
                c.submit(text(prompt, 60), r);
                CompletionResult result = r.await();
                assertThat(r.text.toString()).as("%s", s).isEqualTo(want);
                assertThat(result.reason()).isEqualTo(StopReason.MAX_TOKENS);
                assertThat(result.stats().generatedTokens()).isEqualTo(60);
                assertThat(result.stats().draftedTokens()).as("%s proposed", s).isPositive();
                if (s.lookup()) assertThat(result.stats().acceptedTokens()).as("continuations found in the prompt").isGreaterThan(20);
                if (s.draft() == alwaysWrong && !s.lookup()) assertThat(result.stats().acceptedTokens()).isZero();
            }
        }
    }

    @Test
    void aChatsNextTurnReadsOnlyItsNewMessageAndAnswersAsIfItHadReadEverything() {
        try (SpeculativeCompleter c = open(draft(everyThird), 0)) {
            GenerateOptions twelve = new GenerateOptions(12, SamplingParams.greedy(), List.of());
            Recorder first = new Recorder();
            c.submit(CompletionRequest.chat("m", List.of(ChatMessage.user("abc")), twelve), first);
            first.await();
            assertThat(first.text.toString()).isEqualTo("defghijklmno");
            Recorder second = new Recorder();
            c.submit(CompletionRequest.chat("m", List.of(ChatMessage.user("abc"), ChatMessage.assistant("defghijklmno"),
                    ChatMessage.user("uvw")), twelve), second);
            CompletionResult r = second.await();
            assertThat(second.text.toString()).isEqualTo("xyzabcdefghi");
            assertThat(r.stats().reusedTokens()).isGreaterThan(10);
        }
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        try (SpeculativeCompleter c = open(SpeculativeSettings.OFF.withLookup(true), 0)) {
            Recorder r = new Recorder();
            c.submit(CompletionRequest.text("m", "abcdefghijklmnopqrstuvwxyzabc",
                    new GenerateOptions(100, SamplingParams.greedy(), List.of("pq"))), r);
            assertThat(r.await().reason()).isEqualTo(StopReason.STOP_STRING);
            assertThat(r.text.toString()).isEqualTo("defghijklmno");
        }
    }

    @Test
    void aGrammarRequestIsDecodedWithoutProposalsAndGivesJsonThenSpeculationGoesOn() throws Exception {
        try (SpeculativeCompleter c = open(draft(exact).withLookup(true), 0)) {
            Recorder r = new Recorder();
            c.submit(CompletionRequest.text("m", "abc", new GenerateOptions(250,
                    SamplingParams.greedy().withPenalties(20, 0), List.of())).withGrammar(JsonGrammar.anyJson()), r);
            CompletionResult result = r.await();
            assertThat(result.reason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(new ObjectMapper().readTree(r.text.toString()).isObject()).as(r.text.toString()).isTrue();
            assertThat(result.stats().draftedTokens()).isZero();

            Recorder after = new Recorder();
            c.submit(text("abcdefghijklmnopqrstuvwxyzabc", 30), after);
            CompletionResult again = after.await();
            assertThat(after.text.toString()).isEqualTo(plain("abcdefghijklmnopqrstuvwxyzabc", 30));
            assertThat(again.stats().acceptedTokens()).isPositive();

            Recorder bad = new Recorder();
            c.submit(text("abc", 5).withGrammar("root ::= \"a\" missing"), bad);
            ServeException e = bad.awaitError();
            assertThat(e.kind()).isEqualTo(ServeException.Kind.INVALID);
            assertThat(e.getMessage()).contains("grammar");
        }
    }

    @Test
    void oneRunsTheNextWaitsAFullQueueAnswersBusyAndCancelsEndAtOnce() {
        try (SpeculativeCompleter c = open(draft(alwaysWrong), 1)) {
            Recorder running = new Recorder();
            Completion a = c.submit(text("abc", 0), running); // until the context is full
            Recorder queued = new Recorder();
            Completion b = c.submit(text("klm", 5), queued);
            Recorder refused = new Recorder();
            c.submit(text("abc", 5), refused);
            ServeException busy = refused.awaitError();
            assertThat(busy.kind()).isEqualTo(ServeException.Kind.BUSY);
            assertThat(busy.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            b.cancel();
            CompletionResult cancelledQueued = queued.await();
            assertThat(cancelledQueued.reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(queued.text.toString()).isEmpty();
            a.cancel();
            CompletionResult cancelledRunning = running.await();
            assertThat(cancelledRunning.reason()).isIn(StopReason.CANCELLED, StopReason.CONTEXT_FULL);
            assertThat(running.ends).isEqualTo(1);

            Recorder next = new Recorder();
            c.submit(text("klm", 5), next);
            assertThat(next.await().reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(next.text.toString()).isEqualTo("nopqr");
        }
    }

    @Test
    void aPromptLongerThanTheContextIsInvalid() {
        try (SpeculativeCompleter c = open(SpeculativeSettings.OFF.withLookup(true), 0)) {
            Recorder r = new Recorder();
            c.submit(text("abcdefghijklmnopqrstuvwxyz".repeat(11), 5), r);
            ServeException e = r.awaitError();
            assertThat(e.kind()).isEqualTo(ServeException.Kind.INVALID);
            assertThat(e.getMessage()).contains("286").contains("256");
        }
    }

    @Test
    void closeEndsTheRunningCompletionAndFailsTheWaitingOnes() throws Exception {
        Recorder running = new Recorder();
        Recorder queued = new Recorder();
        SpeculativeCompleter c = open(draft(alwaysWrong), 1);
        c.submit(text("abc", 0), running);
        c.submit(text("abc", 0), queued);
        assertThat(running.awaitFirstText(Duration.ofSeconds(30))).isTrue();
        c.close();
        assertThat(running.await().reason()).isIn(StopReason.CANCELLED, StopReason.CONTEXT_FULL);
        assertThat(queued.awaitError().kind()).isEqualTo(ServeException.Kind.INTERNAL);
        Recorder late = new Recorder();
        c.submit(text("abc", 3), late);
        assertThat(late.awaitError().kind()).isEqualTo(ServeException.Kind.INTERNAL);
    }

    @Test
    void aDraftWithAnotherVocabularyIsRefusedWithItsReason() throws IOException {
        Path foreign = TestModels.write(TestFixtures.tempDir().resolve("completer-foreign.gguf"), ModelShape.successor(), GgmlType.F32);
        assertThatThrownBy(() -> open(draft(foreign), 0))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("completer-foreign.gguf").hasMessageContaining("must share the model's vocabulary");
    }
}
