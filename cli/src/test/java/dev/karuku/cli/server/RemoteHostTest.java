package dev.karuku.cli.server;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.remote.RemoteHost;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The engine's [RemoteHost] against Karuku's own OpenAI-compatible server on loopback (the successor model in
/// llama.cpp: after `abc` it writes `defg…`): what the app's Connections and its model picker rely on.
class RemoteHostTest {

    private static final GenerateOptions GREEDY = GenerateOptions.defaults().withSampling(SamplingParams.greedy());

    private static InProcessHost host;
    private static OpenAiServer server;
    private static final List<ServedRequest> served = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        host = OpenAiServerTest.host(4);
        server = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withRequestListener(served::add));
    }

    @AfterAll
    static void stop() {
        server.close();
        host.close();
    }

    /// Collects what one completion produces.
    static final class Answer implements CompletionListener {
        final List<String> pieces = new CopyOnWriteArrayList<>();
        final CompletableFuture<CompletionResult> result = new CompletableFuture<>();
        final CountDownLatch firstPiece = new CountDownLatch(1);

        @Override public void onText(String piece) {
            pieces.add(piece);
            firstPiece.countDown();
        }

        @Override public void onComplete(CompletionResult r) { result.complete(r); }

        @Override public void onError(ServeException e) { result.completeExceptionally(e); }

        CompletionResult await() throws Exception {
            return result.get(60, TimeUnit.SECONDS);
        }

        String text() {
            return String.join("", pieces);
        }
    }

    private static ServeException failure(Answer a) {
        try {
            a.await();
        } catch (java.util.concurrent.ExecutionException e) {
            return (ServeException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the completion did not fail: " + a.text());
    }

    @Test
    void listsTheModelsTheServerServes() throws Exception {
        try (RemoteHost remote = new RemoteHost(server.baseUri(), null)) {
            assertThat(remote.models()).isEmpty();
            assertThat(remote.listModels()).extracting(HostedModel::id).containsExactly("successor");
            assertThat(remote.models()).extracting(HostedModel::id).containsExactly("successor");
        }
    }

    @Test
    void aChatStreamsChunkByChunkAndCountsTheServersUsage() throws Exception {
        try (RemoteHost remote = new RemoteHost(RemoteHost.apiBase("127.0.0.1:" + server.port()), null)) {
            Answer a = new Answer();
            remote.submit(CompletionRequest.chat("successor", List.of(ChatMessage.user("abc")), GREEDY.withMaxTokens(6)), a);
            CompletionResult r = a.await();
            assertThat(a.text()).contains("defghi");
            assertThat(a.pieces).hasSizeGreaterThanOrEqualTo(6); // one event per token, not the answer at once
            assertThat(r.reason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(r.stats().generatedTokens()).isEqualTo(6);
            assertThat(r.stats().promptTokens()).isPositive();
        }
    }

    @Test
    void aRawPromptContinuesTheAlphabet() throws Exception {
        try (RemoteHost remote = new RemoteHost(server.baseUri(), null)) {
            Answer a = new Answer();
            remote.submit(CompletionRequest.text("successor", "abc", GREEDY.withMaxTokens(8)), a);
            a.await();
            assertThat(a.text()).isEqualTo("defghijk");
        }
    }

    @Test
    void cancellingClosesTheStreamAndTheServerStopsGenerating() throws Exception {
        try (RemoteHost remote = new RemoteHost(server.baseUri(), null)) {
            Answer a = new Answer();
            // until the context is full (thousands of tokens), unless cancelling stops it
            var completion = remote.submit(CompletionRequest.text("successor", "abc", GREEDY.withMaxTokens(100_000)), a);
            assertThat(a.firstPiece.await(60, TimeUnit.SECONDS)).isTrue();
            completion.cancel();
            CompletionResult r = a.await();
            assertThat(r.reason()).isEqualTo(StopReason.CANCELLED);
            assertThat(a.text()).startsWith("d");
            // the server saw the client leave and stopped that completion long before the context was full
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (served.stream().noneMatch(s -> "cancelled".equals(s.finish())) && System.nanoTime() < deadline) Thread.sleep(20);
            ServedRequest left = served.stream().filter(s -> "cancelled".equals(s.finish())).findFirst()
                    .orElseThrow(() -> new AssertionError("the server never saw the client leave: " + served));
            assertThat(left.completionTokens()).isLessThan(1024);
            Answer next = new Answer();
            remote.submit(CompletionRequest.text("successor", "mno", GREEDY.withMaxTokens(3)), next);
            next.await();
            assertThat(next.text()).isEqualTo("pqr");
        }
    }

    @Test
    void aKeyTheServerWantsIsSentAndAMissingOrWrongOneIsUnauthorized() throws Exception {
        try (OpenAiServer keyed = OpenAiServer.start(host, ServerOptions.defaults().withPort(0).withApiKey("sk-right"))) {
            try (RemoteHost none = new RemoteHost(keyed.baseUri(), null)) {
                assertThatThrownBy(none::listModels).isInstanceOfSatisfying(ServeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServeException.Kind.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("401");
                });
                Answer a = new Answer();
                none.submit(CompletionRequest.chat("successor", List.of(ChatMessage.user("abc")), GREEDY.withMaxTokens(2)), a);
                assertThat(failure(a).kind()).isEqualTo(ServeException.Kind.UNAUTHORIZED);
            }
            try (RemoteHost wrong = new RemoteHost(keyed.baseUri(), "sk-wrong")) {
                assertThatThrownBy(wrong::listModels).isInstanceOfSatisfying(ServeException.class,
                        e -> assertThat(e.kind()).isEqualTo(ServeException.Kind.UNAUTHORIZED));
            }
            try (RemoteHost right = new RemoteHost(keyed.baseUri(), "sk-right")) {
                assertThat(right.listModels()).extracting(HostedModel::id).containsExactly("successor");
                Answer a = new Answer();
                right.submit(CompletionRequest.text("successor", "abc", GREEDY.withMaxTokens(3)), a);
                a.await();
                assertThat(a.text()).isEqualTo("def");
            }
        }
    }

    @Test
    void anUnknownModelIsReportedAsSuch() {
        try (RemoteHost remote = new RemoteHost(server.baseUri(), null)) {
            Answer a = new Answer();
            remote.submit(CompletionRequest.text("no-such-model", "abc", GREEDY.withMaxTokens(3)), a);
            ServeException e = failure(a);
            assertThat(e.kind()).isEqualTo(ServeException.Kind.UNKNOWN_MODEL);
            assertThat(e.getMessage()).contains("no-such-model");
        }
    }

    @Test
    void aPortNobodyListensOnIsUnreachableAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RemoteHost remote = new RemoteHost(URI.create("http://127.0.0.1:" + port + "/v1"), null)) {
            long start = System.nanoTime();
            assertThatThrownBy(remote::listModels).isInstanceOfSatisfying(ServeException.class, e -> {
                assertThat(e.kind()).isEqualTo(ServeException.Kind.UNREACHABLE);
                assertThat(e.getMessage()).contains("connection refused").contains("127.0.0.1:" + port);
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(RemoteHost.CONNECT_TIMEOUT);
            Answer a = new Answer();
            remote.submit(CompletionRequest.chat("x", List.of(ChatMessage.user("abc")), GREEDY), a);
            assertThat(failure(a).kind()).isEqualTo(ServeException.Kind.UNREACHABLE);
        }
    }

    @Test
    void anUnknownHostIsUnreachable() {
        try (RemoteHost remote = new RemoteHost(RemoteHost.apiBase("http://no-such-host.invalid:8090"), null)) {
            assertThatThrownBy(remote::listModels).isInstanceOfSatisfying(ServeException.class, e -> {
                assertThat(e.kind()).isEqualTo(ServeException.Kind.UNREACHABLE);
                assertThat(e.getMessage()).contains("no-such-host.invalid");
            });
        }
    }

    @Test
    void theServersRequestListenerSeesEachRequestWithoutItsPrompt() throws Exception {
        try (RemoteHost remote = new RemoteHost(server.baseUri(), null)) {
            Answer a = new Answer();
            remote.submit(CompletionRequest.text("successor", "xyz secret words", GREEDY.withMaxTokens(2)), a);
            a.await();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (served.stream().noneMatch(s -> s.completionTokens() == 2) && System.nanoTime() < deadline) Thread.sleep(20);
            ServedRequest r = served.stream().filter(s -> s.completionTokens() == 2).findFirst().orElseThrow();
            assertThat(r.client()).isEqualTo("127.0.0.1");
            assertThat(r.model()).isEqualTo("successor");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.path()).isEqualTo("/v1/completions");
            assertThat(r.isCompletion()).isTrue();
            assertThat(r.promptTokens()).isPositive();
            assertThat(r.toString()).doesNotContain("secret");
        }
    }
}
