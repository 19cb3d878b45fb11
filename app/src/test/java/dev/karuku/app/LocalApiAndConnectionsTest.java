package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.connect.ConnectionsViewModel;
import dev.karuku.app.connect.ModelPicker;
import dev.karuku.app.load.LoadState;
import dev.karuku.app.server.LocalServerViewModel;
import dev.karuku.cli.server.ServedRequest;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.gguf.TestModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// Issue 19's local API and remote engines, in real windows: the switch in Settings serves the model the window
/// loaded to another app over HTTP, with each request in the live list; a second `karuku serve` process (its own
/// data folder) added under Connections is chosen in the Chat screen's picker, answers, stops and is saved.
class LocalApiAndConnectionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    Process remote;

    KarukuApp start() throws Exception {
        KarukuApp a = AppWindow.start(() -> new KarukuApp(home));
        WaitForAsyncUtils.waitForFxEvents();
        return a;
    }

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (remote != null) {
            remote.destroy();
            if (!remote.waitFor(10, TimeUnit.SECONDS)) remote.destroyForcibly();
        }
    }

    @Test
    void theLocalApiServesTheWindowsModelToAnotherAppAndListsTheRequest() throws Exception {
        // a model dropped into the models folder (My Models lists it) is served too, loading on request
        TestModels.successor(java.nio.file.Files.createDirectories(home.resolve("models")).resolve("dropped-in.gguf"));
        app = start();
        Path model = TestModels.successor(work.resolve("successor.gguf"));
        robot.interact(() -> app.load().file().set(model));
        robot.interact(() -> app.shell().page().set(dev.karuku.app.shell.Page.LOAD));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#load-verdict").tryQuery().isPresent()));
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() != LoadState.LOADING);
        assertThat(app.load().state().get()).isEqualTo(LoadState.LOADED);

        int port = freePort();
        robot.clickOn("#nav-settings");
        robot.clickOn(reveal("#settings-local-api")); // opens the section
        LocalServerViewModel api = app.localServer();
        Spinner<?> portBox = robot.lookup("#local-api-port").queryAs(Spinner.class);
        robot.interact(() -> {
            portBox.getEditor().setText(String.valueOf(port));
            portBox.commitValue();
        });
        robot.clickOn(reveal("#local-api-switch"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> api.state().get() == LocalServerViewModel.State.ON);
        TextField url = robot.lookup("#local-api-url").queryAs(TextField.class);
        assertThat(url.getText()).isEqualTo("http://127.0.0.1:" + port + "/v1");
        assertThat(robot.lookup("#status-local-api").queryLabeled().isVisible()).isTrue();

        // another app: plain HTTP, as any OpenAI client sends it
        HttpClient client = HttpClient.newHttpClient();
        JsonNode models = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url.getText() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("successor", "dropped-in");
        String body = "{\"model\":\"successor\",\"messages\":[{\"role\":\"user\",\"content\":\"abc\"}],\"max_tokens\":6,\"temperature\":0}";
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(url.getText() + "/chat/completions"))
                .timeout(Duration.ofMinutes(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).at("/choices/0/message/content").asText()).contains("defghi");

        // the request in the live list: client, model, tokens, status; never the prompt
        TableView<ServedRequest> requests = robot.lookup("#local-api-requests").queryTableView();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> requests.getItems().stream().anyMatch(r -> r.isCompletion()));
        ServedRequest served = requests.getItems().stream().filter(ServedRequest::isCompletion).findFirst().orElseThrow();
        assertThat(served.client()).isEqualTo("127.0.0.1");
        assertThat(served.model()).isEqualTo("successor");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.completionTokens()).isEqualTo(6);

        // a port another program holds: a clear message, and the window goes on
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            robot.interact(() -> {
                portBox.getEditor().setText(String.valueOf(taken.getLocalPort()));
                portBox.commitValue();
            });
            robot.clickOn(reveal("#local-api-apply"));
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> api.state().get() == LocalServerViewModel.State.FAILED);
            assertThat(api.problem().get()).isEqualTo(LocalServerViewModel.Problem.PORT_IN_USE);
            assertThat(robot.lookup("#local-api-status").queryLabeled().getText())
                    .isEqualTo("Port " + taken.getLocalPort() + " is already in use by another program. Choose another port and press Apply.");
        }
        robot.interact(() -> {
            portBox.getEditor().setText(String.valueOf(port));
            portBox.commitValue();
        });
        robot.clickOn(reveal("#local-api-apply"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> api.state().get() == LocalServerViewModel.State.ON);

        // the switch is remembered: the next start turns the server on again
        AppWindow.close(app);
        app = start();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.localServer().state().get() == LocalServerViewModel.State.ON);
        assertThat(app.localServer().port().get()).isEqualTo(port);
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aModelAnotherAppAsksForLoadsWithTheDraftChosenForItOnTheLoadScreen() throws Exception {
        Path models = java.nio.file.Files.createDirectories(home.resolve("models"));
        Path model = TestModels.successor(models.resolve("successor.gguf"));
        Path draft = TestModels.successor(models.resolve("successor-f16.gguf"), dev.karuku.engine.gguf.GgmlType.F16);
        // as the Load screen remembers it: the best fit, with the draft model
        new dev.karuku.app.load.LoadChoices(home.resolve("load-choices.json")).remember(model, dev.karuku.engine.settings.LoadSettings.DEFAULTS,
                dev.karuku.engine.settings.LoadSettings.DEFAULTS, dev.karuku.engine.settings.SpeculativeSettings.OFF.withDraft(draft));
        app = start();
        int port = freePort();
        robot.clickOn("#nav-settings");
        robot.clickOn(reveal("#settings-local-api"));
        Spinner<?> portBox = robot.lookup("#local-api-port").queryAs(Spinner.class);
        robot.interact(() -> {
            portBox.getEditor().setText(String.valueOf(port));
            portBox.commitValue();
        });
        robot.clickOn(reveal("#local-api-switch"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.localServer().state().get() == LocalServerViewModel.State.ON);

        String body = "{\"model\":\"successor\",\"messages\":[{\"role\":\"user\",\"content\":\"abc\"}],\"max_tokens\":60,\"temperature\":0}";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(3)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.at("/choices/0/message/content").asText()).contains("defghi");
        assertThat(json.at("/timings/draft_n").asInt()).as(answer.body()).isPositive();
        assertThat(json.at("/timings/draft_n_accepted").asInt()).isPositive();
    }

    @Test
    void aSecondKarukuServeAddedAsAConnectionAnswersInTheChatStopsAndIsSaved() throws Exception {
        int port = freePort();
        remote = startKarukuServe(port);
        app = start();
        robot.clickOn("#nav-settings");
        robot.clickOn(reveal("#settings-connections")); // opens the section
        robot.clickOn(reveal("#connection-name")).write("Desk PC");
        robot.clickOn(reveal("#connection-url")).write("127.0.0.1:" + port);
        robot.clickOn(reveal("#connection-add"));
        ConnectionsViewModel connections = app.connections();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> connections.items().size() == 1
                && connections.items().getFirst().status().get() == ConnectionsViewModel.Status.REACHABLE);
        assertThat(connections.items().getFirst().models().get()).containsExactly("remote-successor");
        assertThat(connections.items().getFirst().connection().url()).isEqualTo("http://127.0.0.1:" + port + "/v1");

        robot.clickOn("#nav-chat");
        robot.clickOn("#model-picker");
        robot.clickOn("remote-successor — Desk PC");
        assertThat(app.modelPicker().selected().get()).isInstanceOf(ModelPicker.Choice.Remote.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#contextLabel").queryAs(javafx.scene.control.Label.class)
                .getText().equals("Context: unknown")); // a remote model is a model: not "No model loaded"
        Spinner<?> maxLength = robot.lookup("#maxTokensSpinner").queryAs(Spinner.class);
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        robot.interact(() -> {
            maxLength.getEditor().setText("3000");
            maxLength.commitValue();
        });
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> lastText().startsWith("defgh"));
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().getLast().stats().get() != null);
        assertThat(messages().getLast().stats().get().stopped()).as("Esc stopped it").isTrue();
        String answer = lastText();
        assertThat(answer).startsWith("defgh").hasSizeLessThan(2500);

        // saved like a local reply: there after a restart
        AppWindow.close(app);
        app = start();
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().size() == 2);
        assertThat(messages().get(0).text().get()).isEqualTo("abc");
        assertThat(messages().get(1).text().get()).isEqualTo(answer);
        assertThat(messages().get(1).stats().get().stopped()).isTrue();
        // and the connection is still there, its key file private to the user
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> app.connections().items().size() == 1
                && app.connections().items().getFirst().status().get() == ConnectionsViewModel.Status.REACHABLE);

        // a server that went away: the picker says so, and the window goes on
        remote.destroy();
        remote.waitFor(20, TimeUnit.SECONDS);
        robot.interact(() -> app.modelPicker().refresh());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> app.connections().items().getFirst().status().get() == ConnectionsViewModel.Status.FAILED);
        assertThat(app.modelPicker().choices()).anySatisfy(c -> assertThat(c).isInstanceOf(ModelPicker.Choice.Unavailable.class));
        assertThat(app.connections().items().getFirst().problem().get().kind())
                .isEqualTo(dev.karuku.engine.serve.ServeException.Kind.UNREACHABLE);
    }

    /// `karuku serve` in a process of its own, with its own data folder (`KARUKU_HOME`), serving the successor
    /// model with a long context (a reply of thousands of tokens takes seconds, time to press Esc).
    private Process startKarukuServe(int port) throws Exception {
        Path remoteHome = Files.createDirectories(work.resolve("remote-home"));
        Path model = TestModels.successor(work.resolve("remote-successor.gguf"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("karuku."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.karuku.cli.Main", "serve", model.toString(),
                "--port", String.valueOf(port), "--ctx", "4096", "--threads", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
        pb.environment().put("KARUKU_HOME", remoteHome.toString());
        Process p = pb.start();
        HttpClient c = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return p;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline)
                    throw new AssertionError("karuku serve did not start: " + Files.readString(work.resolve("serve.log")));
                Thread.sleep(200);
            }
        }
    }

    /// Scrolls the Settings page until the node `query` finds is on screen, as a user would, and returns it.
    private javafx.scene.Node reveal(String query) {
        javafx.scene.Node n = robot.lookup(query).query();
        robot.interact(() -> {
            javafx.scene.Parent p = n.getParent();
            while (p != null && !(p instanceof javafx.scene.control.ScrollPane)) p = p.getParent();
            if (!(p instanceof javafx.scene.control.ScrollPane sp)) return;
            var content = sp.getContent();
            var b = content.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
            double scrollable = content.getBoundsInLocal().getHeight() - sp.getViewportBounds().getHeight();
            sp.setVvalue(scrollable <= 0 ? 0 : Math.min(1, Math.max(0, b.getMinY() - 40) / scrollable));
        });
        WaitForAsyncUtils.waitForFxEvents();
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }

    String lastText() {
        var m = messages();
        return m.isEmpty() || m.getLast().role() != Role.ASSISTANT ? "" : m.getLast().text().get();
    }
}
