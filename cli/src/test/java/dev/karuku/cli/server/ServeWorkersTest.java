package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.JsonGrammar;
import dev.karuku.engine.worker.Supervisor;
import dev.karuku.engine.worker.SupervisorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `karuku serve` as it runs: OpenAI's own client against the HTTP server, each model in a worker process with
/// continuous batching, JSON mode through the grammar sampler, and a worker killed with -9 while another model goes
/// on answering.
class ServeWorkersTest {

    @TempDir
    static Path dir;
    private static Supervisor host;
    private static OpenAiServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Path a = Files.copy(TestFixtures.successor(), dir.resolve("a.gguf"));
        Path b = Files.copy(TestFixtures.successor(), dir.resolve("b.gguf"));
        host = new Supervisor(List.of(Supervisor.model("a", a, List.of()), Supervisor.model("b", b, List.of())),
                SupervisorOptions.defaults().withParallel(4, 4)
                        .withLoadOptions(m -> LoadOptions.of(TestFixtures.tinySettings().withContextLength(2048))));
        server = OpenAiServer.start(host, ServerOptions.defaults().withPort(0)
                .withGrammars(JsonGrammars.of(JsonGrammar::anyJson, JsonGrammar::fromSchema)));
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("k").maxRetries(0)
                .timeout(Duration.ofSeconds(120)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (host != null) host.close();
    }

    private static CompletionCreateParams greedy(String model, String prompt, int tokens) {
        return CompletionCreateParams.builder().model(model).prompt(prompt).maxTokens(tokens).temperature(0).build();
    }

    @Test
    void fourClientsAtOnceEachContinueTheirOwnLettersFromOneWorker() throws Exception {
        Map<String, String> expected = Map.of("abc", "defg", "ghi", "jklm", "mno", "pqrs", "stu", "vwxy");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Map<String, Future<Completion>> answers = new HashMap<>();
            for (String prompt : expected.keySet()) answers.put(prompt, pool.submit(() -> client.completions().create(greedy("a", prompt, 4))));
            for (var e : expected.entrySet())
                assertThat(answers.get(e.getKey()).get().choices().getFirst().text()).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(host.workerPid("a")).isPositive().isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void jsonModeAnswersWithJson() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("b")
                .addUserMessage("give me an object").maxCompletionTokens(40).temperature(0).presencePenalty(1.5)
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());
        String content = c.choices().getFirst().message().content().orElseThrow();
        assertThat(content).startsWith("{");
        if (c.choices().getFirst().finishReason() == ChatCompletion.Choice.FinishReason.STOP) {
            assertThat(new ObjectMapper().readTree(content).isObject()).isTrue();
        }
    }

    @Test
    void aWorkerKilledMidAnswerEndsThatAnswerWithAnErrorWhileTheOtherModelAnswersAndItComesBack() throws Exception {
        client.completions().create(greedy("b", "abc", 2)); // b loaded in its own worker
        long bPid = host.workerPid("b");
        Future<?> stream;
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            stream = pool.submit(() -> {
                try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder()
                        .model("a").prompt("abc").maxTokens(100_000).temperature(0).build())) {
                    s.stream().forEach(chunk -> {});
                }
                return null;
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (host.workerPid("a") < 0 && System.nanoTime() < deadline) Thread.sleep(50);
            Thread.sleep(500); // the answer is streaming
            ProcessHandle.of(host.workerPid("a")).orElseThrow().destroyForcibly(); // kill -9
            assertThatThrownBy(stream::get).hasRootCauseInstanceOf(OpenAIServiceException.class);
        }
        assertThat(client.completions().create(greedy("b", "ghi", 3)).choices().getFirst().text()).isEqualTo("jkl");
        assertThat(host.workerPid("b")).isEqualTo(bPid);
        assertThat(client.completions().create(greedy("a", "mno", 3)).choices().getFirst().text()).isEqualTo("pqr");
    }
}
