package dev.karuku.engine.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.JsonGrammar;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// Many completions at once on the successor model (greedy "abc" continues "defghij…"), through the real llama.cpp.
class BatchedCompleterTest {

    private static Model model;

    @BeforeAll
    static void load() {
        model = LlamaRuntime.load().loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
    }

    @AfterAll
    static void free() {
        model.close();
    }

    private static LoadOptions options() {
        return TestFixtures.tinyOptions(); // 256 tokens per sequence, one thread
    }

    private static CompletionRequest text(String prompt, int maxTokens) {
        return CompletionRequest.text("successor", prompt, new GenerateOptions(maxTokens, SamplingParams.greedy(), List.of()));
    }

    private static String successorOf(String prompt, int n) {
        StringBuilder sb = new StringBuilder();
        char c = prompt.charAt(prompt.length() - 1);
        for (int i = 0; i < n; i++) {
            c = c == 'z' ? 'a' : (char) (c + 1);
            sb.append(c);
        }
        return sb.toString();
    }

    @Test
    void fourConcurrentCompletionsEachContinueTheirOwnLetters() {
        List<String> prompts = List.of("abc", "ghi", "mno", "stu");
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 4, 0)) {
            List<Recorder> recs = new ArrayList<>();
            for (String p : prompts) {
                Recorder r = new Recorder();
                c.submit(text(p, 40), r);
                recs.add(r);
            }
            List<CompletionResult> results = recs.stream().map(Recorder::await).toList();
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(recs.get(i).text.toString()).as(prompts.get(i)).isEqualTo(successorOf(prompts.get(i), 40));
                assertThat(results.get(i).reason()).isEqualTo(StopReason.MAX_TOKENS);
                assertThat(results.get(i).stats().generatedTokens()).isEqualTo(40);
                assertThat(results.get(i).stats().promptTokens()).isEqualTo(3);
            }
            // All four ran together: the last one's first text came before the first one had finished.
            long lastStart = recs.stream().mapToLong(r -> r.firstTextAt).max().orElseThrow();
            assertThat(lastStart).isLessThan(recs.getFirst().firstTextAt + results.getFirst().stats().generationNanos());
        }
    }

    @Test
    void aChatsNextTurnReadsOnlyItsNewMessageAndAnswersAsIfItHadReadEverything() {
        GenerateOptions forty = new GenerateOptions(40, SamplingParams.greedy(), List.of());
        List<ChatMessage> first = List.of(ChatMessage.user("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"));
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 0)) {
            Recorder one = new Recorder();
            c.submit(CompletionRequest.chat("successor", first, forty), one);
            CompletionResult r1 = one.await();
            assertThat(r1.stats().reusedTokens()).isZero();

            List<ChatMessage> second = new ArrayList<>(first);
            second.add(ChatMessage.assistant(one.text.toString()));
            second.add(ChatMessage.user("mno"));
            Recorder two = new Recorder();
            c.submit(CompletionRequest.chat("successor", second, forty), two);
            CompletionResult r2 = two.await();

            int whole = c.countTokens(second);
            assertThat(r2.stats().promptTokens() + r2.stats().reusedTokens()).isEqualTo(whole);
            assertThat(r2.stats().promptTokens()).as("tokens read again of %d", whole).isLessThan(whole / 4);

            // the same answer as a completer that reads the whole conversation
            try (BatchedCompleter fresh = BatchedCompleter.open(model, options(), 1, 0)) {
                Recorder all = new Recorder();
                fresh.submit(CompletionRequest.chat("successor", second, forty), all);
                assertThat(all.await().stats().reusedTokens()).isZero();
                assertThat(two.text.toString()).isEqualTo(all.text.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void stopWhileALongPromptIsReadEndsItBeforeAnyTokenAndTheSequenceAnswersRightAfterwards() {
        LoadOptions big = LoadOptions.of(TestFixtures.tinySettings().withContextLength(4096).withBatch(4096).withUbatch(4096));
        String longPrompt = "abcdefghijklmnopqrstuvwxyz".repeat(150); // 3,900 letters, one token each, read in one step
        try (Model m = LlamaRuntime.load().loadModel(TestFixtures.successor(), big);
             BatchedCompleter c = BatchedCompleter.open(m, big, 1, 0)) {
            Recorder stopped = new Recorder();
            java.util.concurrent.CompletableFuture<Completion> handle = new java.util.concurrent.CompletableFuture<>();
            handle.complete(c.submit(text(longPrompt, 10), new dev.karuku.engine.serve.CompletionListener() {
                // Stop while the model reads the prompt: reading these 3,900 tokens takes seconds here, so a Stop
                // a moment after it began lands inside that one decode
                @Override public void onPrompt(int tokens) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    handle.join().cancel();
                }
                @Override public void onText(String piece) { stopped.onText(piece); }
                @Override public void onComplete(CompletionResult result) { stopped.onComplete(result); }
                @Override public void onError(ServeException error) { stopped.onError(error); }
            }));
            CompletionResult r = stopped.await();
            assertThat(r.reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(r.stats().generatedTokens()).as("no token after Stop").isZero();
            assertThat(stopped.text.toString()).isEmpty();

            Recorder next = new Recorder();
            c.submit(text(longPrompt, 10), next);
            assertThat(next.await().reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(next.text.toString()).isEqualTo("abcdefghij"); // nothing half-read was kept
        }
    }

    @Test
    void batchedGreedyOutputEqualsTheSingleSequenceGenerator() {
        List<String> prompts = List.of("the quick brown fox jumps over the lazy dog", "xyz", "hello, world: abc", "q");
        List<String> single = new ArrayList<>();
        try (Context ctx = model.newContext(options())) {
            for (String p : prompts) {
                GenerationResult r = ctx.generate(model.tokenize(p, true, true),
                        new GenerateOptions(60, SamplingParams.greedy(), List.of()), s -> {}, Cancellation.none());
                single.add(r.text());
            }
        }
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 3, 4)) {
            List<Recorder> recs = new ArrayList<>();
            for (String p : prompts) {
                Recorder r = new Recorder();
                c.submit(text(p, 60), r);
                recs.add(r);
            }
            for (int i = 0; i < prompts.size(); i++) {
                recs.get(i).await();
                assertThat(recs.get(i).text.toString()).as(prompts.get(i)).isEqualTo(single.get(i)).hasSize(60);
            }
        }
    }

    @Test
    void cancellingARunningCompletionFreesItsSequenceForTheQueuedOne() throws Exception {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 1)) {
            Recorder first = new Recorder();
            Completion running = c.submit(text("abc", 0), first); // until the sequence is full: 253 tokens
            Recorder second = new Recorder();
            c.submit(text("klm", 10), second);
            assertThat(first.awaitFirstText(Duration.ofSeconds(30))).isTrue();
            running.cancel();
            CompletionResult cancelled = first.await();
            assertThat(cancelled.reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(cancelled.stats().generatedTokens()).isLessThan(c.sequenceSize() - 3);
            assertThat(second.await().reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(second.text.toString()).isEqualTo("nopqrstuvw");
            assertThat(first.ends).isEqualTo(1);
        }
    }

    @Test
    void aFullQueueAnswersBusyWithARetryTime() throws Exception {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 1)) {
            Recorder running = new Recorder();
            Completion a = c.submit(text("abc", 0), running);
            Recorder queued = new Recorder();
            Completion b = c.submit(text("abc", 5), queued);
            Recorder refused = new Recorder();
            c.submit(text("abc", 5), refused);
            ServeException busy = refused.awaitError();
            assertThat(busy.kind()).isEqualTo(ServeException.Kind.BUSY);
            assertThat(busy.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            b.cancel();
            assertThat(queued.await().reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(queued.text.toString()).isEmpty();
            a.cancel();
            assertThat(running.await().reason()).isEqualTo(StopReason.CANCELLED);
        }
    }

    @Test
    void aClientThatAsksAgainAsSoonAsItsAnswerEndsIsNeverTurnedAway() {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 0)) {
            for (int i = 0; i < 20; i++) {
                Recorder r = new Recorder();
                c.submit(text("abc", 2), r);
                assertThat(r.await().reason()).as("request " + i).isEqualTo(StopReason.MAX_TOKENS);
            }
        }
    }

    @Test
    void aPromptLongerThanASequenceIsInvalid() {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 2, 0)) {
            Recorder r = new Recorder();
            c.submit(text("abcdefghijklmnopqrstuvwxyz".repeat(11), 5), r); // 286 tokens, a sequence holds 256
            ServeException e = r.awaitError();
            assertThat(e.kind()).isEqualTo(ServeException.Kind.INVALID);
            assertThat(e.getMessage()).contains("286").contains("256");
            Recorder ok = new Recorder();
            c.submit(text("abc", 3), ok);
            ok.await();
            assertThat(ok.text.toString()).isEqualTo("def");
        }
    }

    @Test
    void aGrammarForcesTheOutput() throws Exception {
        String gbnf = """
                root ::= "{" ws "\\"letters\\":" ws "\\"" [a-z]{3,5} "\\"" ws "," ws "\\"ok\\":" ws ("true" | "false") ws "}"
                ws ::= [ ]?
                """;
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 2, 0)) {
            Recorder r = new Recorder();
            c.submit(text("abc", 100).withGrammar(gbnf), r);
            CompletionResult result = r.await();
            assertThat(result.reason()).isEqualTo(StopReason.END_OF_GENERATION);
            JsonNode json = new ObjectMapper().readTree(r.text.toString());
            assertThat(json.get("letters").asText()).matches("[a-z]{3,5}");
            assertThat(json.get("ok").isBoolean()).isTrue();
        }
    }

    @Test
    void aJsonSchemaGrammarGivesJsonThatMatchesTheSchema() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode schema = mapper.readTree("""
                {"type":"object","properties":{
                   "name":{"type":"string","maxLength":6},
                   "count":{"type":"integer"},
                   "tags":{"type":"array","items":{"enum":["x","y"]},"minItems":1,"maxItems":3},
                   "ok":{"type":"boolean"},
                   "note":{"type":["string","null"],"maxLength":4}},
                 "required":["name","count","tags","ok"],"additionalProperties":false}""");
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 2, 0)) {
            Recorder r = new Recorder();
            c.submit(json("abc").withGrammar(JsonGrammar.fromSchema(schema)), r);
            assertThat(r.await().reason()).isEqualTo(StopReason.END_OF_GENERATION);
            JsonNode out = mapper.readTree(r.text.toString());
            assertThat(out.properties()).extracting(java.util.Map.Entry::getKey).containsSubsequence("name", "count", "tags", "ok")
                    .isSubsetOf("name", "count", "tags", "ok", "note");
            assertThat(out.get("name").isTextual()).isTrue();
            assertThat(out.get("name").asText().length()).isLessThanOrEqualTo(6);
            assertThat(out.get("count").isIntegralNumber()).isTrue();
            assertThat(out.get("tags").isArray()).isTrue();
            assertThat(out.get("tags").size()).isBetween(1, 3);
            out.get("tags").forEach(t -> assertThat(t.asText()).isIn("x", "y"));
            assertThat(out.get("ok").isBoolean()).isTrue();
        }
    }

    @Test
    void theJsonObjectGrammarGivesAnObject() throws Exception {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 2, 0)) {
            Recorder r = new Recorder();
            c.submit(json("abc").withGrammar(JsonGrammar.anyJson()), r);
            assertThat(r.await().reason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(new ObjectMapper().readTree(r.text.toString()).isObject()).as(r.text.toString()).isTrue();
        }
    }

    /// The successor model gives every non-letter token the same score, so greedy picks the lowest id the grammar
    /// allows (a tab) for as long as the whitespace rule lets it; a presence penalty moves it on to other tokens.
    private static CompletionRequest json(String prompt) {
        return CompletionRequest.text("successor", prompt,
                new GenerateOptions(250, SamplingParams.greedy().withPenalties(20, 0), List.of()));
    }

    @Test
    void aGrammarLlamaCppCannotParseIsInvalid() {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 0)) {
            Recorder r = new Recorder();
            c.submit(text("abc", 5).withGrammar("root ::= \"a\" missing"), r);
            ServeException e = r.awaitError();
            assertThat(e.kind()).isEqualTo(ServeException.Kind.INVALID);
            assertThat(e.getMessage()).contains("grammar");
        }
    }

    @Test
    void presencePenaltyTurnsAwayFromLettersAlreadyGenerated() {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 2, 0)) {
            Recorder plain = new Recorder();
            c.submit(text("abc", 30), plain);
            Recorder penalised = new Recorder();
            c.submit(CompletionRequest.text("successor", "abc",
                    new GenerateOptions(30, SamplingParams.greedy().withPenalties(20, 0), List.of())), penalised);
            plain.await();
            penalised.await();
            // 23 letters d…z, then a b c (not generated yet), then d again, unless it is penalised.
            assertThat(plain.text.toString()).isEqualTo(successorOf("abc", 30));
            assertThat(penalised.text.toString()).startsWith(successorOf("abc", 26));
            assertThat(penalised.text.toString()).doesNotStartWith(successorOf("abc", 27));
        }
    }

    @Test
    void aPenaltyOverTheWholeContextPenalises() {
        try (BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 0)) {
            Recorder r = new Recorder();
            c.submit(CompletionRequest.text("successor", "abc", new GenerateOptions(30,
                    SamplingParams.greedy().withRepeatPenalty(1.0f, -1).withPenalties(0, 20), List.of())), r);
            r.await();
            assertThat(r.text.toString()).startsWith(successorOf("abc", 26)).doesNotStartWith(successorOf("abc", 27));
        }
    }

    @Test
    void closeEndsRunningAndQueuedCompletions() throws Exception {
        Recorder running = new Recorder();
        Recorder queued = new Recorder();
        BatchedCompleter c = BatchedCompleter.open(model, options(), 1, 1);
        c.submit(text("abc", 0), running);
        c.submit(text("abc", 0), queued);
        assertThat(running.awaitFirstText(Duration.ofSeconds(30))).isTrue();
        c.close();
        assertThat(running.await().reason()).isEqualTo(StopReason.CANCELLED);
        assertThat(queued.awaitError().kind()).isEqualTo(ServeException.Kind.INTERNAL);
        Recorder late = new Recorder();
        c.submit(text("abc", 3), late);
        assertThat(late.awaitError().kind()).isEqualTo(ServeException.Kind.INTERNAL);
    }
}
