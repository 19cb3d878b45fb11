package dev.karuku.app.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.ChatState;
import dev.karuku.app.chat.ChatViewModel;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.Pulse;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.conversation.StoredMessage;
import dev.karuku.engine.remote.RemoteHost;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The Chat screen's view model talking to another computer's server that takes the question and then hangs, its
/// connection open: the reply ends with a message that says so (in the user's language) and keeps what came; Stop
/// ends it at once while the server is silent. A real server on loopback that really stops writing.
class RemoteReplyStallTest {
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir Path dir;
    private HttpServer http;
    private volatile List<String> script = List.of();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch asked = new CountDownLatch(1);
    private final SimpleObjectProperty<ChatBackend> backend = new SimpleObjectProperty<>();
    private Runnable tick;
    private RemoteHost host;

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
        if (host != null) host.close();
        http.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        asked.countDown();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (String part : script) {
                if (part.equals("HANG")) {
                    released.await();
                    return;
                }
                String delta = part.equals("ROLE") ? "{\"role\":\"assistant\"}" : "{\"content\":\"" + part + "\"}";
                out.write(("data: {\"choices\":[{\"delta\":" + delta + "}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // the client left
        }
    }

    private ChatViewModel chat(Locale locale, Duration firstTokenStall, Duration tokenStall) {
        host = new RemoteHost(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1"), null,
                RemoteHost.CONNECT_TIMEOUT, RemoteHost.FIRST_EVENT_TIMEOUT, firstTokenStall, tokenStall);
        Messages messages = new Messages(locale);
        backend.set(new RemoteChatBackend(host, "m", e -> RemoteProblems.describe(messages, "Desk PC", e)));
        Pulse pulse = onTick -> {
            tick = onTick;
            return () -> tick = null;
        };
        return new ChatViewModel(new ConversationStore(dir), Runnable::run, UiThread.direct(), pulse, backend);
    }

    /// Ticks the pulse as the app's frames would, until the reply ends (or 30 s: a reply that never ends).
    private void untilReady(ChatViewModel vm) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (vm.state().get() == ChatState.GENERATING && System.nanoTime() < until) {
            Runnable t = tick;
            if (t != null) t.run();
            Thread.sleep(10);
        }
        assertThat(vm.state().get()).as("the reply ended").isEqualTo(ChatState.READY);
    }

    @Test
    void aServerThatStopsMidAnswerEndsTheReplyWithWhyKeepingTheText() throws Exception {
        script = List.of("Part", " of it", "HANG");
        var vm = chat(Locale.ENGLISH, LONG, Duration.ofMillis(300));
        vm.input().set("hi");
        vm.send();
        untilReady(vm);
        MessageItem answer = vm.messages().getLast();
        assertThat(answer.text().get()).isEqualTo("Part of it");
        assertThat(answer.error().get()).startsWith("Desk PC stopped sending the answer, so it was ended here; the text that came is kept.")
                .contains("nothing for 300 ms in the middle of the answer");
        assertThat(vm.error().get()).isEqualTo(answer.error().get());
        assertThat(new ConversationStore(dir).load(vm.conversationId().get()).messages()).extracting(StoredMessage::text)
                .containsExactly("hi", "Part of it");
        // and the chat goes on
        assertThat(vm.state().get()).isEqualTo(ChatState.READY);
    }

    @Test
    void aServerThatNeverStartsTheAnswerIsGivenUpInTheUsersLanguage() throws Exception {
        // llama-server and vLLM start the answer at once with an event that names the role; then nothing
        script = List.of("ROLE", "HANG");
        var vm = chat(Locale.JAPANESE, Duration.ofMillis(300), LONG);
        vm.input().set("こんにちは");
        vm.send();
        untilReady(vm);
        assertThat(vm.messages().getLast().error().get()).startsWith("Desk PC から回答が届かなくなったため、ここで打ち切りました。")
                .contains("after taking the request");
    }

    @Test
    void stopEndsTheReplyAtOnceWhileTheServerIsSilent() throws Exception {
        script = List.of("Some", "HANG");
        var vm = chat(Locale.ENGLISH, LONG, LONG);
        vm.input().set("hi");
        vm.send();
        assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
        vm.stop();
        untilReady(vm);
        MessageItem answer = vm.messages().getLast();
        assertThat(answer.error().get()).isEmpty();
        assertThat(answer.stats().get().stopped()).isTrue();
    }
}
