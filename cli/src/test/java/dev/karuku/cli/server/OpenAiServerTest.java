package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.HostedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `karuku serve` as OpenAI's own Java client sees it: the successor model (after `abc` it writes `defg…`) in
/// llama.cpp, behind the real HTTP server on loopback.
class OpenAiServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /// Long enough that a request asking for everything up to the full context is still running seconds later.
    private static final int LONG_CONTEXT = 4096;

    private static InProcessHost host;
    private static OpenAiServer server;
    private static OpenAIClient client;
    private static final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        host = host(4);
        server = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withRequestLog(log::add));
        client = client(server, "no-key-needed");
    }

    @AfterAll
    static void stop() {
        server.close();
        host.close();
    }

    static InProcessHost host(int queue) {
        Path file = TestFixtures.successor();
        HostedModel successor = new HostedModel("successor", file, List.of("alphabet"), HostedModel.State.UNLOADED, null);
        return new InProcessHost(LlamaRuntime.load(), List.of(successor),
                f -> LoadOptions.of(TestFixtures.tinySettings().withContextLength(LONG_CONTEXT)), queue, null);
    }

    static OpenAIClient client(OpenAiServer s, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(s.baseUri().toString()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    private static CompletionCreateParams.Builder greedy(String prompt, int tokens) {
        return CompletionCreateParams.builder().model("successor").prompt(prompt).maxTokens(tokens).temperature(0);
    }

    @Test
    void listsTheModelsItServes() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("successor");
        assertThat(models.getFirst().ownedBy()).isEqualTo("karuku");
    }

    @Test
    void completionOfAbcContinuesTheAlphabet() {
        Completion c = client.completions().create(greedy("abc", 8).build());
        assertThat(c.id()).startsWith("cmpl-");
        assertThat(c.model()).isEqualTo("successor");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().text()).isEqualTo("defghijk");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
        assertThat(c.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(c.usage().orElseThrow().totalTokens())
                .isEqualTo(c.usage().orElseThrow().promptTokens() + 8);
    }

    @Test
    void chatCompletionAnswersThroughTheModelsTemplateAndAnAlias() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("alphabet")
                .addUserMessage("abc").maxCompletionTokens(6).temperature(0).build());
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.choices().getFirst().message().content()).contains("defghi");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(6);
    }

    @Test
    void streamedCompletionArrivesChunkByChunkWithUsageLast() {
        List<Completion> chunks = new ArrayList<>();
        try (StreamResponse<Completion> s = client.completions().createStreaming(greedy("abc", 8)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunks::add);
        }
        List<String> texts = chunks.stream().flatMap(c -> c.choices().stream()).map(CompletionChoice::text)
                .filter(t -> !t.isEmpty()).toList();
        assertThat(texts).hasSize(8); // one chunk per token
        assertThat(String.join("", texts)).isEqualTo("defghijk");
        Completion last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(8);
        assertThat(chunks.get(chunks.size() - 2).choices().getFirst().finishReason())
                .isEqualTo(CompletionChoice.FinishReason.LENGTH);
    }

    @Test
    void streamedChatSendsTheRoleThenTheTextThenWhyItStopped() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("successor").addUserMessage("abc").maxCompletionTokens(5)
                        .temperature(0).build())) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        String text = String.join("", chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).toList());
        assertThat(text).contains("defgh");
        assertThat(chunks.getLast().choices().getFirst().finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(chunks.getFirst().id()).startsWith("chatcmpl-"));
    }

    @Test
    void fourConcurrentCompletionsEachContinueTheirOwnLetters() throws Exception {
        Map<String, String> expected = Map.of("abc", "defg", "ghi", "jklm", "mno", "pqrs", "stu", "vwxy");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Map<String, Future<Completion>> answers = new java.util.HashMap<>();
            for (String prompt : expected.keySet())
                answers.put(prompt, pool.submit(() -> client.completions().create(greedy(prompt, 4).build())));
            for (var e : expected.entrySet())
                assertThat(answers.get(e.getKey()).get().choices().getFirst().text()).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aClientThatHangsUpMidStreamFreesItsSequence() throws Exception {
        List<String> busyLog = new CopyOnWriteArrayList<>();
        try (InProcessHost oneAtATime = host(0);
             OpenAiServer s = OpenAiServer.start(oneAtATime, ServerOptions.defaults().withPort(0).withRequestLog(busyLog::add))) {
            OpenAIClient c = client(s, "k");
            c.completions().create(greedy("abc", 1).build()); // loaded
            // until the context is full: thousands of tokens, unless the hang-up stops it
            String body = "{\"model\":\"successor\",\"prompt\":\"abc\",\"max_tokens\":100000,\"temperature\":0,\"stream\":true}";
            try (RawHttp.Stream stream = new RawHttp.Stream(s.port(), "/v1/completions", body)) {
                assertThat(stream.statusLine()).contains("200");
                assertThat(JSON.readTree(stream.nextData()).at("/choices/0/text").asText()).isEqualTo("d");
                // the model is busy with it and nothing may wait: the next request is turned away for now
                assertThatThrownBy(() -> c.completions().create(greedy("abc", 2).build()))
                        .isInstanceOfSatisfying(RateLimitException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(429);
                            assertThat(e.headers().values("Retry-After")).containsExactly("1");
                            assertThat(e.code()).contains("rate_limit_exceeded");
                        });
            }
            // hung up: the sequence is freed at its next step and the next request is served
            Completion next = retryWhileBusy(() -> c.completions().create(greedy("mno", 3).build()));
            assertThat(next.choices().getFirst().text()).isEqualTo("pqr");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // written once that request has ended
            while (busyLog.stream().noneMatch(l -> l.contains("finish=cancelled")) && System.nanoTime() < deadline) Thread.sleep(20);
            String hungUp = busyLog.stream().filter(l -> l.contains("finish=cancelled")).findFirst()
                    .orElseThrow(() -> new AssertionError("no cancelled request in " + busyLog));
            int generated = Integer.parseInt(hungUp.replaceAll(".*completion_tokens=(\\d+).*", "$1"));
            assertThat(generated).isLessThan(LONG_CONTEXT / 4);
        }
    }

    private static <T> T retryWhileBusy(java.util.concurrent.Callable<T> call) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return call.call();
            } catch (RateLimitException e) {
                if (System.nanoTime() > until) throw e;
                Thread.sleep(50);
            }
        }
    }

    @Test
    void withAKeyRequestsWithoutItAreRefusedAndTheLogNeverShowsPromptOrKey() throws Exception {
        List<String> keyLog = new CopyOnWriteArrayList<>();
        try (OpenAiServer s = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withApiKey("sk-karuku-test-key")
                .withRequestLog(keyLog::add))) {
            assertThatThrownBy(() -> client(s, "sk-wrong").models().list())
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
            HttpResponse<String> none = RawHttp.get(s.baseUri(), "/models");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(none.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");

            Completion c = client(s, "sk-karuku-test-key").completions().create(greedy("abc zebra", 3).build());
            assertThat(c.choices().getFirst().text()).hasSize(3);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // a line is written once its answer is sent
        while (keyLog.size() < 3 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(keyLog).hasSize(3);
        assertThat(keyLog.getLast()).contains("POST /v1/completions model=successor status=200", "completion_tokens=3");
        assertThat(keyLog).allSatisfy(line -> assertThat(line).doesNotContain("zebra", "sk-karuku", "sk-wrong", "Bearer"));
        assertThat(keyLog.getFirst()).contains("GET /v1/models", "status=401");
    }

    @Test
    void unknownModelIs404InOpenAisErrorShape() {
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("gpt-4o")
                .prompt("abc").maxTokens(2).build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                    assertThat(e.getMessage()).contains("gpt-4o");
                });
    }

    @Test
    void aModelThatCannotLoadIs500WithLlamaCppsReason(@TempDir Path dir) throws Exception {
        byte[] all = java.nio.file.Files.readAllBytes(TestFixtures.successor());
        Path truncated = java.nio.file.Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(all, all.length / 2));
        HostedModel broken = new HostedModel("broken", truncated, List.of(), HostedModel.State.UNLOADED, null);
        try (InProcessHost h = new InProcessHost(LlamaRuntime.load(), List.of(broken), f -> TestFixtures.tinyOptions(), 0, null);
             OpenAiServer s = OpenAiServer.start(h, ServerOptions.defaults().withPort(0))) {
            assertThatThrownBy(() -> client(s, "k").completions().create(CompletionCreateParams.builder().model("broken")
                    .prompt("abc").maxTokens(2).build()))
                    .isInstanceOfSatisfying(InternalServerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.code()).contains("model_load_failed");
                        assertThat(e.getMessage()).contains("could not load 'broken'", "data is not within the file bounds");
                    });
            assertThat(h.models().getFirst().state()).isEqualTo(HostedModel.State.FAILED);
        }
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        try (OpenAiServer s = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withMaxBodyBytes(4096))) {
            assertThatThrownBy(() -> client(s, "k").completions().create(greedy("abc ".repeat(2000), 2).build()))
                    .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(413);
                        assertThat(e.code()).contains("request_too_large");
                    });
            assertThat(client(s, "k").completions().create(greedy("abc", 2).build()).choices().getFirst().text()).isEqualTo("de");
        }
    }

    @Test
    void malformedJsonIs400WithoutAStackTrace() throws Exception {
        HttpResponse<String> r = RawHttp.post(server.baseUri(), "/completions", "{\"model\": \"successor\", \"prompt\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_json");
        assertThat(error.has("param")).isTrue();
        assertThat(r.body()).doesNotContain("at com.", "at dev.", "Exception");
    }

    @Test
    void anInvalidValueIs400NamingTheField() {
        assertThatThrownBy(() -> client.completions().create(greedy("abc", 2).temperature(7).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("temperature");
                    assertThat(e.getMessage()).contains("temperature must be a number from 0 to 2");
                });
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        HttpResponse<String> r = RawHttp.post(server.baseUri(), "/completions",
                "{\"model\":\"successor\",\"prompt\":\"abc\",\"max_tokens\":3,\"temperature\":0,\"user\":\"u1\",\"best_of\":1,\"x_new\":{\"a\":[1]}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/text").asText()).isEqualTo("def");
    }

    @Test
    void healthAnswersWithoutAKeyAndCorsHeadersOnlyWhenAsked() throws Exception {
        HttpResponse<String> plain = RawHttp.get(server.baseUri(), "/models", "Origin", "http://example.test");
        assertThat(plain.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        try (OpenAiServer s = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withApiKey("k2")
                .withCorsOrigin("http://localhost:3000"))) {
            HttpResponse<String> health = RawHttp.get(s.baseUri().resolve("/"), "health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("ok");
            HttpResponse<String> models = RawHttp.get(s.baseUri(), "/models", "Authorization", "Bearer k2");
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(models.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:3000");
            // a browser's preflight carries no key and must still learn that Authorization may be sent
            HttpResponse<String> preflight = RawHttp.options(s.baseUri(), "/chat/completions", "Origin", "http://localhost:3000",
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(h ->
                    assertThat(h).contains("Authorization", "Content-Type"));
        }
    }
}
