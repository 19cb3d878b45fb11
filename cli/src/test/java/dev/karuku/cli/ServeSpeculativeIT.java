package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku serve --draft/--lookup` as a user runs it: the launcher's process, its worker processes, real HTTP. The
/// successor model answers "abc" with "defg…"; its drafts are exact, wrong on every third letter, or of another
/// vocabulary.
class ServeSpeculativeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String REPEATING = "abcdefghijklmnopqrstuvwxyzabc";

    @TempDir
    static Path dir;
    static Path model, exact, everyThird, foreign;
    static String plainAbc, plainRepeating;

    @BeforeAll
    static void models() throws Exception {
        model = TestModels.successor(dir.resolve("s.gguf"));
        exact = TestModels.successor(dir.resolve("exact.gguf"), GgmlType.F32, ModelShape.successor(), 0);
        everyThird = TestModels.successor(dir.resolve("err3.gguf"), GgmlType.F32, ModelShape.successor(), 3);
        foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F32);
        try (Server plain = Server.start(model.toString())) {
            JsonNode abc = plain.complete("s", "abc", 60);
            plainAbc = abc.at("/choices/0/text").asText();
            assertThat(abc.at("/timings/draft_n").isMissingNode()).as("no speculation, no draft figures").isTrue();
            plainRepeating = plain.complete("s", REPEATING, 60).at("/choices/0/text").asText();
        }
        assertThat(plainAbc).startsWith("defghijklmnopqrstuvwxyz");
    }

    @Test
    void withAMatchingDraftTheAnswerIsTheSameAndTheTimingsSayWhatWasAccepted() throws Exception {
        try (Server s = Server.start(model.toString(), "--draft", exact.toString(), "--draft-max", "8")) {
            assertThat(s.banner()).contains("Speculative decoding: draft model exact.gguf");
            JsonNode r = s.complete("s", "abc", 60);
            assertThat(r.at("/choices/0/text").asText()).isEqualTo(plainAbc);
            assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(60);
            assertThat(r.at("/timings/predicted_n").asInt()).isEqualTo(60);
            assertThat(r.at("/timings/draft_n").asInt()).as(r.toString()).isPositive();
            assertThat(r.at("/timings/draft_n_accepted").asInt()).isPositive().isEqualTo(r.at("/timings/draft_n").asInt());
            assertThat(s.complete("s", REPEATING, 60).at("/choices/0/text").asText()).isEqualTo(plainRepeating);
            assertThat(s.log()).contains("draft_accepted=");
        }
    }

    @Test
    void aDraftWrongOnEveryThirdLetterAndPromptLookupChangeNothingInTheAnswer() throws Exception {
        try (Server s = Server.start(model.toString(), "--draft", everyThird.toString(), "--lookup")) {
            assertThat(s.complete("s", "abc", 60).at("/choices/0/text").asText()).isEqualTo(plainAbc);
            JsonNode r = s.complete("s", REPEATING, 60);
            assertThat(r.at("/choices/0/text").asText()).isEqualTo(plainRepeating);
            // how much is drafted follows the pass costs this machine measures (the draft errs every third token):
            // the answer must be the same, with proposals accepted
            assertThat(r.at("/timings/draft_n_accepted").asInt()).as("proposals accepted").isPositive();
        }
        try (Server s = Server.start(model.toString(), "--lookup")) {
            JsonNode r = s.complete("s", REPEATING, 60);
            assertThat(r.at("/choices/0/text").asText()).isEqualTo(plainRepeating);
            assertThat(r.at("/timings/draft_n_accepted").asInt()).isGreaterThan(20);
        }
    }

    @Test
    void aChatTurnStreamsTheSameTextAndJsonModeStillGivesJson() throws Exception {
        try (Server s = Server.start(model.toString(), "--draft", exact.toString())) {
            ObjectNode chat = JSON.createObjectNode().put("model", "s").put("max_tokens", 30).put("temperature", 0)
                    .put("stream", true);
            chat.putArray("messages").addObject().put("role", "user").put("content", "abc");
            chat.putObject("stream_options").put("include_usage", true);
            HttpResponse<String> streamed = s.post("/chat/completions", chat);
            assertThat(streamed.statusCode()).isEqualTo(200);
            StringBuilder text = new StringBuilder();
            JsonNode last = null;
            for (String line : streamed.body().lines().toList()) {
                if (!line.startsWith("data: {")) continue;
                JsonNode chunk = JSON.readTree(line.substring(6));
                chunk.at("/choices/0/delta/content").asText("").chars().forEach(c -> text.append((char) c));
                last = chunk;
            }
            assertThat(text.toString()).isEqualTo(plainAbc.substring(0, 30));
            assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(30);
            assertThat(last.at("/timings/draft_n").asInt()).isPositive();

            ObjectNode json = JSON.createObjectNode().put("model", "s").put("max_tokens", 300).put("temperature", 0);
            json.putArray("messages").addObject().put("role", "user").put("content", "abc");
            json.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", "answer")
                    .set("schema", JSON.readTree("""
                            {"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}"""));
            HttpResponse<String> r = s.post("/chat/completions", json);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(r.body());
            assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
            JsonNode content = JSON.readTree(answer.at("/choices/0/message/content").asText());
            assertThat(content.get("ok").isBoolean()).as(content.toString()).isTrue();

            // and speculation goes on after it
            assertThat(s.complete("s", "abc", 60).at("/choices/0/text").asText()).isEqualTo(plainAbc);
        }
    }

    @Test
    void aDraftWithAnotherVocabularyIsALoadErrorOverHttpAndInTheLogWhileTheOtherModelGoesOnAnswering() throws Exception {
        Path other = Files.copy(model, dir.resolve("other.gguf"));
        try (Server s = Server.start(other.toString(), foreign.toString(), "--draft", exact.toString())) {
            HttpResponse<String> refused = s.post("/completions", request("foreign", "abc", 5));
            assertThat(refused.statusCode()).isEqualTo(500);
            JsonNode error = JSON.readTree(refused.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("model_load_failed");
            assertThat(error.get("message").asText()).contains("exact.gguf").contains("must share the model's vocabulary");

            JsonNode ok = s.complete("other", "abc", 60);
            assertThat(ok.at("/choices/0/text").asText()).isEqualTo(plainAbc);
            assertThat(ok.at("/timings/draft_n").asInt()).isPositive();
            assertThat(s.post("/completions", request("foreign", "abc", 5)).statusCode()).isEqualTo(500);
            assertThat(s.complete("other", "ghi", 3).at("/choices/0/text").asText()).isEqualTo("jkl");
            s.awaitLog("cannot load foreign: ");
            assertThat(s.log()).contains("must share the model's vocabulary");
        }
    }

    @Test
    void parallelWithADraftAndAMissingDraftAreOneLineBeforeAnythingLoads() throws Exception {
        CliRun.Result both = CliRun.run("serve", model.toString(), "--draft", exact.toString(), "--parallel", "2", "--port", "0");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err().strip()).startsWith("karuku: --parallel 2 and --draft do not combine").doesNotContain("\n");
        CliRun.Result lookup = CliRun.run("serve", model.toString(), "--lookup", "--parallel", "4", "--port", "0");
        assertThat(lookup.code()).isEqualTo(2);
        assertThat(lookup.err()).contains("--parallel 4 and --lookup do not combine");
        CliRun.Result missing = CliRun.run("serve", model.toString(), "--draft", dir.resolve("none.gguf").toString(), "--port", "0");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("karuku: no draft model at");
    }

    private static ObjectNode request(String model, String prompt, int tokens) {
        return JSON.createObjectNode().put("model", model).put("prompt", prompt).put("max_tokens", tokens).put("temperature", 0);
    }

    /// `karuku serve ARGS` on a free port, one thread, a small context, no GPU; closing it stops it as Ctrl-C does.
    private record Server(Process process, URI base, List<String> stderr) implements AutoCloseable {

        private static final Pattern LISTENING = Pattern.compile("OpenAI-compatible API at (\\S+)");

        static Server start(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of("target", "karuku").toAbsolutePath().toString(), "serve"));
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("--port", "0", "--ctx", "256", "--threads", "1", "--gpu-layers", "0"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("KARUKU_DEBUG");
            Process p = pb.start();
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<URI> base = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) base.complete(URI.create(m.group(1)));
                    }
                } catch (IOException e) {
                    // the process ended
                }
                base.completeExceptionally(new AssertionError("karuku serve ended: " + String.join("\n", lines)));
            });
            try {
                return new Server(p, base.get(60, TimeUnit.SECONDS), lines);
            } catch (Exception e) {
                p.destroyForcibly();
                throw e;
            }
        }

        String banner() {
            return String.join("\n", stderr);
        }

        String log() {
            return String.join("\n", stderr);
        }

        void awaitLog(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!log().contains(text) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(log()).contains(text);
        }

        HttpResponse<String> post(String path, ObjectNode body) throws Exception {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        }

        JsonNode complete(String model, String prompt, int tokens) throws Exception {
            HttpResponse<String> r = post("/completions", request(model, prompt, tokens));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: the shutdown hook stops the workers
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
