package dev.karuku.engine.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// A server that takes the request and then stops sending, its connection open (a hung llama-server, a laptop that
/// went to sleep behind a NAT that keeps the socket): the answer ends with STALLED after the text that came, instead
/// of leaving the chat waiting forever. Served on loopback by a server that really hangs.
class RemoteHostStallTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private HttpServer http;
    /// What the server writes, in order; "HANG" blocks until the test ends, "PAUSE" waits 100 ms.
    private volatile List<String> script = List.of();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch asked = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::answer);
        http.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        http.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        asked.countDown();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String part : script) {
                try {
                    if (part.equals("HANG")) released.await();
                    else if (part.equals("PAUSE")) Thread.sleep(100);
                    else {
                        out.write(part.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client left
        }
    }

    private RemoteHost host(Duration firstTokenStall, Duration tokenStall) {
        URI base = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1");
        return new RemoteHost(base, null, RemoteHost.CONNECT_TIMEOUT, RemoteHost.FIRST_EVENT_TIMEOUT, firstTokenStall, tokenStall);
    }

    private static String delta(String content) {
        return "data: {\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
    }

    private static RemoteHostVariantsTest.Answer chat(RemoteHost host) {
        var a = new RemoteHostVariantsTest.Answer();
        host.submit(CompletionRequest.chat("m", List.of(ChatMessage.user("hi")), GenerateOptions.defaults()), a);
        return a;
    }

    @Test
    void anAnswerThatStopsComingMidwayEndsAsStalledKeepingItsText() throws Exception {
        script = List.of(delta("Part"), delta(" of it"), "HANG");
        try (RemoteHost host = host(LONG, Duration.ofMillis(300))) {
            var a = chat(host);
            ServeException e = a.failure(); // without a stall timeout: no end within the answer's 30 s
            assertThat(e.kind()).isEqualTo(ServeException.Kind.STALLED);
            assertThat(e.getMessage()).contains("300 ms").contains("in the middle of the answer");
            assertThat(a.text.toString()).isEqualTo("Part of it");
        }
    }

    @Test
    void aServerThatTakesTheRequestAndNeverStartsEndsAfterTheFirstTokenStall() throws Exception {
        // llama-server's first event names the role and has no words; then nothing
        script = List.of("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n", "HANG");
        try (RemoteHost host = host(Duration.ofMillis(300), LONG)) {
            var a = chat(host);
            ServeException e = a.failure();
            assertThat(e.kind()).isEqualTo(ServeException.Kind.STALLED);
            assertThat(e.getMessage()).contains("after taking the request");
            assertThat(a.text.toString()).isEmpty();
        }
    }

    @Test
    void keepAlivesWhileTheServerWorksAreNoStall() throws Exception {
        // a comment every 100 ms for 4 s, longer than the 3 s of silence allowed: the server is there, only slow (the
        // gaps are 30 times shorter than the limit, so a busy machine that sleeps late still keeps them apart)
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            parts.add(": keep-alive\n\n");
            parts.add("PAUSE");
        }
        parts.add(delta("Loaded."));
        parts.add("data: [DONE]\n\n");
        script = parts;
        try (RemoteHost host = host(Duration.ofSeconds(3), LONG)) {
            var a = chat(host);
            CompletionResult r = a.await();
            assertThat(r.reason()).isEqualTo(StopReason.END_OF_GENERATION);
            assertThat(a.text.toString()).isEqualTo("Loaded.");
        }
    }

    @Test
    void stopWhileTheServerIsSilentEndsTheAnswerAsStopped() throws Exception {
        script = List.of(delta("Some"), "HANG");
        try (RemoteHost host = host(LONG, LONG)) {
            var a = new RemoteHostVariantsTest.Answer();
            Completion c = host.submit(CompletionRequest.chat("m", List.of(ChatMessage.user("hi")), GenerateOptions.defaults()), a);
            assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
            c.cancel();
            CompletionResult r = a.await();
            assertThat(r.reason()).isEqualTo(StopReason.CANCELLED);
        }
    }
}
