package dev.karuku.engine.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// [RemoteHost] against the event streams other servers write (Ollama, vLLM, LM Studio, llama-server), served
/// byte for byte on loopback: comments and keep-alives, `data:` without its space, CR LF, `reasoning_content`,
/// no `usage`, an answer sent whole, an error event mid-stream, refusals with their status.
class RemoteHostVariantsTest {

    private HttpServer http;
    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    record Canned(int status, String type, List<String> parts, Map<String, String> headers) {
        static Canned sse(String... parts) {
            return new Canned(200, "text/event-stream", List.of(parts), Map.of());
        }
    }

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        http.createContext("/", this::answer);
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Canned c = answers.get(ex.getRequestURI().getPath());
        if (c == null) c = new Canned(404, "text/plain", List.of("404 page not found"), Map.of());
        ex.getResponseHeaders().set("Content-Type", c.type());
        c.headers().forEach(ex.getResponseHeaders()::set);
        ex.sendResponseHeaders(c.status(), 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String part : c.parts()) {
                out.write(part.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1");
    }

    static final class Answer implements CompletionListener {
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<CompletionResult> result = new CompletableFuture<>();

        @Override public synchronized void onText(String piece) { text.append(piece); }
        @Override public void onComplete(CompletionResult r) { result.complete(r); }
        @Override public void onError(ServeException e) { result.completeExceptionally(e); }

        CompletionResult await() throws Exception {
            return result.get(30, TimeUnit.SECONDS);
        }

        ServeException failure() throws Exception {
            try {
                CompletionResult r = await();
                throw new AssertionError("no failure: " + r + " " + text);
            } catch (ExecutionException e) {
                return (ServeException) e.getCause();
            }
        }
    }

    private Answer chat(RemoteHost host) {
        Answer a = new Answer();
        host.submit(CompletionRequest.chat("m", List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")),
                GenerateOptions.defaults().withMaxTokens(50)), a);
        return a;
    }

    @Test
    void commentsBareDataLinesCrLfAndReasoningAreReadAsOllamaAndVllmWriteThem() throws Exception {
        answers.put("/v1/chat/completions", Canned.sse(
                ": keep-alive\n\n",
                "event: message\r\ndata:{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Short.\"}}]}\r\n\r\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
                "id: 3\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\n",
                "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n"));
        try (RemoteHost host = new RemoteHost(base(), "sk-1")) {
            Answer a = chat(host);
            CompletionResult r = a.await();
            assertThat(a.text.toString()).isEqualTo("<think>Short.</think>\n\nHello");
            assertThat(r.reason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(r.stats().generatedTokens()).isPositive(); // no usage: counted from the events
            String sent = bodies.getLast();
            assertThat(sent).contains("\"stream\":true").contains("\"role\":\"system\"").contains("\"max_tokens\":50");
        }
    }

    @Test
    void usageInTheLastEventIsTheCountAndLengthIsTheReplyLimit() throws Exception {
        answers.put("/v1/chat/completions", Canned.sse(
                "data: {\"choices\":[{\"delta\":{\"content\":\"a b\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n",
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":2,\"total_tokens\":13}}\n\n",
                "data: [DONE]\n\n"));
        try (RemoteHost host = new RemoteHost(base(), null)) {
            CompletionResult r = chat(host).await();
            assertThat(r.reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(r.stats().promptTokens()).isEqualTo(11);
            assertThat(r.stats().generatedTokens()).isEqualTo(2);
        }
    }

    @Test
    void eventsWithoutTheBlankLineBetweenThemAreStillEachRead() throws Exception {
        answers.put("/v1/chat/completions", Canned.sse(
                "data: {\"choices\":[{\"delta\":{\"content\":\"one \"}}]}\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"two\"}}]}\n\ndata: [DONE]\n\n"));
        try (RemoteHost host = new RemoteHost(base(), null)) {
            Answer a = chat(host);
            a.await();
            assertThat(a.text.toString()).isEqualTo("one two");
        }
    }

    @Test
    void anAnswerSentWholeInsteadOfStreamedIsTakenWhole() throws Exception {
        answers.put("/v1/chat/completions", new Canned(200, "application/json", List.of(
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"All at once.\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4}}"), Map.of()));
        try (RemoteHost host = new RemoteHost(base(), null)) {
            Answer a = chat(host);
            CompletionResult r = a.await();
            assertThat(a.text.toString()).isEqualTo("All at once.");
            assertThat(r.stats().generatedTokens()).isEqualTo(4);
        }
    }

    @Test
    void anErrorEventMidStreamKeepsTheTextAndEndsWithTheServersWords() throws Exception {
        answers.put("/v1/chat/completions", Canned.sse(
                "data: {\"choices\":[{\"delta\":{\"content\":\"Part\"}}]}\n\n",
                "data: {\"error\":{\"message\":\"the model's worker died\",\"type\":\"server_error\"}}\n\n"));
        try (RemoteHost host = new RemoteHost(base(), null)) {
            Answer a = chat(host);
            ServeException e = a.failure();
            assertThat(a.text.toString()).isEqualTo("Part");
            assertThat(e.getMessage()).contains("the model's worker died");
        }
    }

    @Test
    void refusalsKeepTheirMeaning() throws Exception {
        answers.put("/v1/chat/completions", new Canned(429, "application/json",
                List.of("{\"error\":{\"message\":\"queue full\"}}"), Map.of("Retry-After", "3")));
        answers.put("/v1/models", new Canned(401, "application/json",
                List.of("{\"error\":\"Invalid API Key\"}"), Map.of()));
        try (RemoteHost host = new RemoteHost(base(), "sk-wrong")) {
            ServeException busy = chat(host).failure();
            assertThat(busy.kind()).isEqualTo(ServeException.Kind.BUSY);
            assertThat(busy.retryAfter()).hasSeconds(3);
            assertThat(busy.getMessage()).contains("queue full");
            assertThatThrownBy(host::listModels).isInstanceOfSatisfying(ServeException.class, e -> {
                assertThat(e.kind()).isEqualTo(ServeException.Kind.UNAUTHORIZED);
                assertThat(e.getMessage()).contains("Invalid API Key");
            });
        }
    }

    @Test
    void anAddressThatIsNoOpenAiApiSaysWhereTheV1Goes() {
        try (RemoteHost host = new RemoteHost(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/api"), null)) {
            assertThatThrownBy(host::listModels).isInstanceOfSatisfying(ServeException.class, e -> {
                assertThat(e.kind()).isEqualTo(ServeException.Kind.INVALID);
                assertThat(e.getMessage()).contains("404").contains("/v1");
            });
        }
    }

    @Test
    void listsModelsAsOllamaDoes() throws Exception {
        answers.put("/v1/models", new Canned(200, "application/json", List.of(
                "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:latest\",\"object\":\"model\",\"owned_by\":\"library\"},"
                        + "{\"id\":\"qwen3:8b\",\"object\":\"model\"}]}"), Map.of()));
        try (RemoteHost host = new RemoteHost(base(), null)) {
            assertThat(host.listModels()).extracting(HostedModel::id).containsExactly("llama3.2:latest", "qwen3:8b");
        }
    }

    @Test
    void typedAddressesBecomeApiBases() {
        assertThat(RemoteHost.apiBase("localhost:1234")).hasToString("http://localhost:1234/v1");
        assertThat(RemoteHost.apiBase(" http://pc.local:11434/ ")).hasToString("http://pc.local:11434/v1");
        assertThat(RemoteHost.apiBase("https://gpu.example.org/v1/chat/completions")).hasToString("https://gpu.example.org/v1");
        assertThat(RemoteHost.apiBase("http://10.0.0.5:8000/openai/v1/models")).hasToString("http://10.0.0.5:8000/openai/v1");
        assertThatThrownBy(() -> RemoteHost.apiBase("ftp://x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteHost.apiBase(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
