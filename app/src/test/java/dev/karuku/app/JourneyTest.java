package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.discover.StopItem;
import dev.karuku.app.load.LoadState;
import dev.karuku.app.shell.Page;
import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// The whole user journey with real parts — llama.cpp, files, HTTP on loopback to a fake Hub, a real window:
/// Discover → search → open the model → the slider shows Q4_K_M, Q5_K_S and IQ3_S with verdicts → download
/// Q4_K_M → it appears in My Models → Load with some GPU layers (on the software Vulkan device when present) →
/// the status bar shows layers and VRAM → send "abc" → the answer streams "defghij…" → Esc stops it → close and
/// restart → the conversation is still there.
class JourneyTest {
    static final String REPO = "karuku-test/Successor-GGUF";
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (hub != null) hub.close();
    }

    /// A Hub repo of the known-answer successor model in the three pinned quants, each a real loadable file.
    static FakeHub successorHub(Path work) throws Exception {
        Path f32 = TestModels.successor(work.resolve("successor-F32.gguf"));
        LlamaRuntime llama = LlamaRuntime.load();
        FakeHub hub = FakeHub.start();
        var repo = hub.addRepo(REPO).downloads(4200).likes(42).trendingScore(7).ggufSummary("llama", 256);
        repo.addFile("README.md", "---\nlicense: mit\n---\n# Successor\n\nA **tiny** test model: it answers `abc` with `defghij…`.\n\n"
                + "- Q4_K_M: the usual choice\n- IQ3_S: the smallest\n");
        for (FileType t : List.of(FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_IQ3_S)) {
            String label = t.label();
            Path q = work.resolve("Successor-" + label + ".gguf");
            llama.quantize(f32, q, t, 2, QuantizeListener.NONE);
            repo.addFile("Successor-" + label + ".gguf", q);
        }
        return hub;
    }

    KarukuApp start() throws Exception {
        KarukuApp a = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home")))); // no other apps' models
        AppWindow.size(robot, 1280, 800);
        return a;
    }

    @Test
    void discoverDownloadLoadWithGpuLayersChatAndRestart() throws Exception {
        hub = successorHub(work);
        LlamaRuntime llama = LlamaRuntime.load();
        boolean gpu = llama.supportsGpuOffload() && llama.devices().stream().anyMatch(d -> d.isGpu());

        app = start();
        robot.clickOn("#nav-discover");
        robot.clickOn("#discover-search").write("successor");
        String rowId = "#discover-result-" + REPO.replaceAll("[^A-Za-z0-9]", "-");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.discover().query().get().equals("successor")
                && app.discover().state().get() == dev.karuku.app.discover.DiscoverState.RESULTS
                && app.discover().results().size() == 1);
        WaitForAsyncUtils.sleep(2 * dev.karuku.app.discover.DiscoverViewModel.DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(rowId).match(JourneyTest::shown).tryQuery().isPresent()));
        Screenshots.writeNow("discover-en-light");
        robot.clickOn(robot.lookup(rowId).match(JourneyTest::shown).<Node>query());

        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> stops().size() == 3 && stops().stream().allMatch(s -> s.estimate().get() != null));
        } catch (java.util.concurrent.TimeoutException e) {
            Screenshots.writeNow("journey-failed");
            throw new AssertionError("stops: " + stops().stream().map(s -> s.label() + "=" + s.errorKey().get()).toList()
                    + " page: " + robot.lookup("#model-page").tryQuery().map(n -> ((dev.karuku.app.discover.ModelPageViewModel) n.getUserData()).errorKey().get()));
        }
        assertThat(stops()).extracting(StopItem::label).containsExactlyInAnyOrder("Q4_K_M", "Q5_K_S", "IQ3_S");
        assertThat(stops()).allMatch(StopItem::pinned);
        for (String label : List.of("Q4_K_M", "Q5_K_S", "IQ3_S")) {
            // the stops are in the view once the page has been laid out (a pulse after the estimates may be needed)
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup((Node n) -> ("model-stop-" + label).equals(n.getId()))
                    .tryQuery().flatMap(stop -> robot.from(stop).lookup(".quant-stop-verdict").tryQuery()).isPresent()));
            Node stop = robot.lookup((Node n) -> ("model-stop-" + label).equals(n.getId())).query();
            Label verdict = robot.from(stop).lookup(".quant-stop-verdict").queryAs(Label.class);
            assertThat(verdict.getText()).isNotBlank();
        }
        assertThat(stops().getFirst().sizeBytes()).isLessThan(stops().getLast().sizeBytes()); // ordered by size
        // each stop says its exact bits per weight and llama.cpp's typical figure for its type, or that there is none
        robot.clickOn(robot.lookup((Node n) -> "model-stop-IQ3_S".equals(n.getId())).<Node>query());
        assertThat(robot.lookup("#model-quality").queryAs(Label.class).getText()).contains("bits per weight")
                .contains("llama.cpp publishes no typical quality figure for IQ3_S");
        robot.clickOn(robot.lookup((Node n) -> "model-stop-Q4_K_M".equals(n.getId())).<Node>query());
        assertThat(robot.lookup("#model-verdict").queryAs(Label.class).getText()).isNotBlank();
        assertThat(robot.lookup("#model-quality").queryAs(Label.class).getText())
                .matches("\\d+\\.\\d\\d bits per weight · Typical quality loss of Q4_K_M: perplexity \\+0\\.18 .*Llama-3-8B.*");
        Screenshots.writeNow("model-en-light");
        robot.clickOn("#model-download");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> app.shell().page().get() == Page.DOWNLOADS);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !app.downloads().rows().isEmpty()
                && app.downloads().rows().getFirst().state() == DownloadJob.State.DONE);

        loadFromMyModels(2);
        String status = robot.lookup("#status-layers").queryAs(Label.class).getText();
        if (gpu) {
            assertThat(status).contains("2/3");
            assertThat(robot.lookup("#status-backend").queryAs(Label.class).getText()).isEqualTo("Vulkan");
            assertThat(app.session().loaded().get().vramBytes()).isPositive();
            assertThat(robot.lookup("#status-vram").queryAs(Label.class).getText()).isNotBlank();
        } else {
            assertThat(status).contains("0/3");
        }
        robot.clickOn("#load-chat");
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        // the cursor is in the message box: the user just types
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> Waits.onFx(input::isFocused));
        robot.write("abc").type(KeyCode.ENTER);
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> lastText().startsWith("defghij"));
        } catch (java.util.concurrent.TimeoutException e) {
            assertThat(lastText()).as("answer; chat error: %s", robot.lookup(".bubble-error").queryAllAs(Label.class)
                    .stream().map(Label::getText).toList()).startsWith("defghij");
        }
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        String answer = lastText();
        assertThat(answer).startsWith("defghij");

        AppWindow.close(app);
        app = start();
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> messages().size() == 2);
        assertThat(messages().get(0).text().get()).isEqualTo("abc");
        assertThat(messages().get(1).text().get()).isEqualTo(answer);
        // the context meter has nothing to count with until a model is loaded, then shows the model's own count
        Label context = robot.lookup("#contextLabel").queryAs(Label.class);
        assertThat(context.getText()).isEqualTo("No model loaded");
        loadFromMyModels(0);
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        int contextLength = app.load().contextLength().get();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> context.getText().endsWith("/ " + String.format("%,d", contextLength) + " tokens")
                && !context.getText().startsWith("0 ")));
        int used = Integer.parseInt(context.getText().substring(0, context.getText().indexOf(" /")).replace(",", ""));
        // "abc" and the answer, one token a letter in the successor's vocabulary, and the start-of-text token
        assertThat(used).isBetween(3 + answer.length(), 3 + answer.length() + 2);
        // a reply the model would have continued, cut at the Max length the user set, says so under it
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        javafx.scene.control.Spinner<?> maxLength = robot.lookup("#maxTokensSpinner").queryAs(javafx.scene.control.Spinner.class);
        robot.interact(() -> {
            maxLength.getEditor().setText("16"); // the least it takes
            maxLength.commitValue();
        });
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> messages().size() == 4 && messages().getLast().stats().get() != null);
        assertThat(messages().getLast().stats().get().tokens()).isEqualTo(16);
        assertThat(messages().getLast().stats().get().limit()).isEqualTo(dev.karuku.engine.conversation.MessageStats.Limit.REPLY_LENGTH);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".bubble-stats").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().startsWith("16 tokens") && l.getText().endsWith("· reached Max length"))));
        // the finished download is still in My Models and not queued again
        assertThat(app.downloads().rows()).extracting(r -> r.state()).containsExactly(DownloadJob.State.DONE);
        assertThat(Files.list(home.resolve("models")).toList()).isNotEmpty();
    }

    /// My Models → Load on the downloaded Q4_K_M → `gpuLayers` on the slider → Load; waits until it is loaded.
    void loadFromMyModels(int gpuLayers) throws Exception {
        robot.clickOn("#nav-models");
        String load = "#models-load-Successor-Q4-K-M-gguf";
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(load).tryQuery().isPresent()));
        robot.clickOn(load);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.load().maxGpuLayers().get() == 3);
        Slider layers = robot.lookup("#load-layers").queryAs(Slider.class);
        robot.interact(() -> layers.setValue(gpuLayers));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#load-verdict").tryQuery().isPresent()));
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() != LoadState.LOADING);
        assertThat(app.load().error().get()).isEmpty();
        assertThat(app.load().state().get()).isEqualTo(LoadState.LOADED);
    }

    /// In the window and visible (a list keeps spare cells that are neither).
    static boolean shown(Node n) {
        return n.getScene() != null && n.isVisible() && n.getParent() != null && n.getParent().isVisible();
    }

    /// The open model page's stops (its ViewModel is the page's user data).
    List<StopItem> stops() {
        return robot.lookup("#model-page").tryQuery()
                .map(n -> (List<StopItem>) ((dev.karuku.app.discover.ModelPageViewModel) n.getUserData()).stops())
                .orElse(List.of());
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }

    String lastText() {
        var m = messages();
        return m.size() < 2 ? "" : m.getLast().text().get();
    }
}
