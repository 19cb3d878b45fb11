package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.cli.server.OpenAiServer;
import dev.karuku.cli.server.ServerOptions;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.worker.Supervisor;
import dev.karuku.engine.worker.SupervisorOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/// The batched case through `karuku serve`'s path (issue 18): for each N, an OpenAI-compatible server on loopback
/// ([OpenAiServer], as `karuku serve --parallel N` starts it) with the model in a worker process ([Supervisor]),
/// and N clients that each stream one completion (`stream: true`, server-sent events) at the same moment. Tokens/s is
/// counted as [BatchedBench] counts it in process — every stream's tokens after its first over the longest span from a
/// stream's first text to its last — with the token counts from each answer's `usage`, and the times from when each
/// event arrived at the client: so the HTTP server, the worker's pipe and the client's reading are all inside it.
public final class ServerBench {

    /// The name the report gives these rows.
    public static final String ENGINE = "karuku serve";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL_ID = "bench";

    private ServerBench() {}

    /// Starts one server per N of `streams` (its worker loads the model once, in the first warm-up run) and measures
    /// it; `progress` hears one line per run.
    public static BatchedBench run(BenchOptions o, int[] streams, Consumer<String> progress) {
        LoadOptions load = BatchedBench.loadOptions(o);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            return measure(http, load, o, streams, progress);
        }
    }

    private static BatchedBench measure(HttpClient http, LoadOptions load, BenchOptions o, int[] streams,
                                        Consumer<String> progress) {
        return BatchedBench.measure(ENGINE, o, streams, progress, n -> {
            Supervisor host = new Supervisor(List.of(Supervisor.model(MODEL_ID, o.model().toAbsolutePath(), List.of())),
                    SupervisorOptions.defaults().withParallel(n, 0).withKeepAlive(Duration.ofDays(1))
                            .withLoadOptions(m -> load));
            OpenAiServer server;
            try {
                server = OpenAiServer.start(host, ServerOptions.defaults().withPort(0));
            } catch (IOException | RuntimeException e) {
                host.close();
                throw new IllegalStateException("cannot start the server: " + e.getMessage(), e);
            }
            URI completions = URI.create(server.baseUri() + "/completions");
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            return new BatchedBench.Streams() {
                @Override
                public BatchedBench.Run once(int tokens) throws Exception {
                    return ServerBench.once(http, clients, completions, n, tokens);
                }

                @Override
                public void close() {
                    clients.close();
                    server.close();
                    host.close();
                }
            };
        });
    }

    /// What one client saw of its streamed completion.
    record Stream(long submitted, long firstText, long lastText, int promptTokens, int completionTokens, String finish) {}

    private static BatchedBench.Run once(HttpClient http, ExecutorService clients, URI uri, int n, int tokens) throws Exception {
        List<CompletableFuture<Stream>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = JSON.writeValueAsString(request(BatchedBench.prompt(i), tokens));
            futures.add(CompletableFuture.supplyAsync(() -> stream(http, uri, body), clients));
        }
        List<Stream> streams = new ArrayList<>();
        for (CompletableFuture<Stream> f : futures) streams.add(f.join());
        long nanos = Math.max(1, streams.stream().mapToLong(s -> s.lastText - s.firstText).max().orElse(1));
        int generated = streams.stream().mapToInt(s -> Math.max(0, s.completionTokens - 1)).sum();
        double ttft = Stats.median(streams.stream().mapToDouble(s -> (s.firstText - s.submitted) / 1e6).toArray());
        boolean early = streams.stream().anyMatch(s -> !"length".equals(s.finish));
        return new BatchedBench.Run(streams.getFirst().promptTokens, nanos, generated, ttft, early);
    }

    /// A greedy completion of `prompt`, streamed, with the usage at the end.
    static ObjectNode request(String prompt, int tokens) {
        ObjectNode r = JSON.createObjectNode().put("model", MODEL_ID).put("prompt", prompt).put("max_tokens", tokens)
                .put("temperature", 0).put("stream", true);
        r.putObject("stream_options").put("include_usage", true);
        return r;
    }

    private static Stream stream(HttpClient http, URI uri, String body) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long submitted = System.nanoTime();
        try {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            long first = 0, last = 0;
            int prompt = 0, completion = 0;
            String finish = null;
            try (java.util.stream.Stream<String> lines = response.body()) {
                if (response.statusCode() != 200)
                    throw new IllegalStateException("HTTP " + response.statusCode() + ": " + String.join("\n", lines.toList()));
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (!line.startsWith("data: ")) continue;
                    long now = System.nanoTime();
                    String data = line.substring(6).strip();
                    if (data.equals("[DONE]")) break;
                    JsonNode event = JSON.readTree(data);
                    for (JsonNode choice : event.path("choices")) {
                        if (!choice.path("text").asText("").isEmpty()) {
                            if (first == 0) first = now;
                            last = now;
                        }
                        if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
                    }
                    JsonNode usage = event.path("usage");
                    if (usage.isObject()) {
                        prompt = usage.path("prompt_tokens").asInt();
                        completion = usage.path("completion_tokens").asInt();
                    }
                }
            }
            if (first == 0) first = last = System.nanoTime();
            return new Stream(submitted, first, last, prompt, completion, finish);
        } catch (IOException e) {
            throw new IllegalStateException("the server did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
