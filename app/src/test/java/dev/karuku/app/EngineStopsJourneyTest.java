package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.load.LoadState;
import dev.karuku.app.load.LoadViewModel;
import dev.karuku.app.shell.Page;
import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.conversation.StoredMessage;
import dev.karuku.engine.gguf.HostileModels;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// The window survives the engine: models load and answer in worker processes. A GGUF whose metadata makes
/// llama.cpp assert (let past Karuku's load check by a test-only switch the workers inherit) ends its worker, and
/// the Load screen says so with llama.cpp's words while the window goes on; a good model loads (the worker
/// starting, then llama.cpp reading) and answers; its worker killed with -9 mid-answer leaves the window, the
/// conversation and the partial answer (marked cut off, on disk too); the status bar says what happened and
/// Reload brings the model back, which answers again; Unload ends the worker.
class EngineStopsJourneyTest {
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;

    @AfterEach
    void close() throws Exception {
        System.clearProperty("karuku.test.skipLoadCheck");
        AppWindow.close(app);
        if (hub != null) hub.close();
    }

    @Test
    void anAssertingModelAndAKilledWorkerCostTheModelNotTheWindowAndReloadBringsItBack() throws Exception {
        HostileModels asserting = HostileModels.all().stream()
                .filter(h -> h.name().equals("expert-used-without-experts")).findFirst().orElseThrow();
        Path bad = asserting.write(work);
        Path source = TestModels.successor(work.resolve("successor.gguf"));
        System.setProperty("karuku.test.skipLoadCheck", "true"); // the app's workers inherit karuku.* properties
        hub = FakeHub.start();
        KarukuApp a = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        app = a;
        AppWindow.size(robot, 1280, 800);
        List<LoadViewModel.LoadStage> stages = new CopyOnWriteArrayList<>();
        robot.interact(() -> app.load().stage().addListener((o, x, s) -> stages.add(s)));

        // 1. the asserting file: its worker aborts inside llama.cpp, the Load screen says why, the window lives
        open(bad, 0, 256);
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() == LoadState.FAILED);
        assertThat(app.load().errorKey().get()).isEqualTo("load.engineStopped");
        assertThat(app.load().error().get()).contains("GGML_ASSERT");
        assertThat(stages).contains(LoadViewModel.LoadStage.STARTING_WORKER);
        assertThat(robot.lookup("#load-error").queryAs(Label.class).getText()).startsWith("The model's process stopped while loading it. Reason: ").contains("GGML_ASSERT");
        assertThat(FxToolkit.toolkitContext().getRegisteredStage().isShowing()).isTrue();

        // 2. a good model from My Models: the worker starts, then llama.cpp reads it; a long answer streams
        robot.interact(() -> app.models().importFiles(List.of(source)));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.models().models().stream()
                .anyMatch(m -> m.path().getFileName().toString().equals("successor.gguf"))));
        Path good = WaitForAsyncUtils.asyncFx(() -> app.models().models().stream()
                .filter(m -> m.path().getFileName().toString().equals("successor.gguf")).findFirst().orElseThrow().path()).get();
        stages.clear();
        open(good, 0, 8192);
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() != LoadState.LOADING);
        assertThat(app.load().error().get()).isEmpty();
        assertThat(app.load().state().get()).isEqualTo(LoadState.LOADED);
        assertThat(stages).containsSubsequence(LoadViewModel.LoadStage.STARTING_WORKER, LoadViewModel.LoadStage.READING);
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).isEqualTo("successor.gguf");
        long pid = app.host().workerPid("successor");
        assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        // My Models marks the loaded model
        robot.clickOn("#nav-models");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#models-loaded").tryQuery().isPresent()));
        assertThat(robot.lookup("#models-loaded").queryAs(Label.class).getText()).isEqualTo("Loaded");
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        maxTokens(8000);
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Waits.onFx(() -> messages().size() == 2
                && messages().getLast().text().get().length() >= 30));

        // 3. kill -9 the worker mid-answer
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> !messages().getLast().error().get().isEmpty()));
        MessageItem answer = WaitForAsyncUtils.asyncFx(() -> messages().getLast()).get();
        String partial = answer.text().get();
        assertThat(partial).startsWith("defghij");
        assertThat(answer.stats().get()).as("never finished").isNull();
        assertThat(answer.error().get()).startsWith("The model's process stopped while answering. Reason: ").contains("SIGKILL");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".bubble-notice").queryAllAs(Label.class)
                .stream().anyMatch(l -> l.isManaged() && l.getText().equals("This answer was cut off before it was finished, for the reason above."))));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#status-stopped").queryAs(Label.class).isVisible()));
        assertThat(robot.lookup("#status-stopped").queryAs(Label.class).getText()).startsWith("successor.gguf stopped: ");
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).isEqualTo("successor.gguf (stopped)");
        assertThat(app.session().loaded().get()).isNull();
        assertThat(FxToolkit.toolkitContext().getRegisteredStage().isShowing()).isTrue();
        // the partial answer is on disk, unfinished, with why: after a restart it shows as cut off for that reason
        ConversationStore store = new ConversationStore(home.resolve("conversations"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !store.list().isEmpty()
                && store.load(store.list().getFirst().id()).messages().size() == 2
                && store.load(store.list().getFirst().id()).messages().getLast().error() != null);
        StoredMessage saved = store.load(store.list().getFirst().id()).messages().getLast();
        assertThat(saved.stats()).isNull();
        assertThat(saved.error()).isEqualTo(answer.error().get());
        assertThat(saved.text()).isNotEmpty();
        assertThat(partial).startsWith(saved.text());

        // 4. Reload brings the model back in a fresh worker, and it answers
        robot.clickOn("#status-reload");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() == LoadState.LOADED);
        WaitForAsyncUtils.waitForFxEvents();
        long again = app.host().workerPid("successor");
        assertThat(again).isPositive().isNotEqualTo(pid);
        assertThat(robot.lookup("#status-stopped").queryAs(Label.class).isVisible()).isFalse();
        assertThat(app.session().loaded().get().contextLength()).isEqualTo(8192); // the options it had
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL); // a new chat
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> messages().isEmpty()));
        maxTokens(16);
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Waits.onFx(() -> messages().size() == 2
                && messages().getLast().stats().get() != null));
        assertThat(messages().getLast().text().get()).startsWith("defghij");
        assertThat(messages().getLast().error().get()).isEmpty();

        // 5. Unload in the status bar ends the worker
        robot.clickOn("#status-unload");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> ProcessHandle.of(again).map(p -> !p.isAlive()).orElse(true));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> app.session().loaded().get() == null);
        assertThat(app.host().workerPid("successor")).isEqualTo(-1);
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).isEqualTo("No model loaded");
    }

    /// Opens `file` on the Load screen with `gpuLayers` and `context`, once its best fit is in.
    private void open(Path file, int gpuLayers, int context) throws Exception {
        robot.interact(() -> {
            app.load().file().set(file);
            app.shell().page().set(Page.LOAD);
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.load().plan().get() != null
                || !app.load().error().get().isEmpty()));
        Thread.sleep(300); // the best fit (or its failure) lands on the options
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            app.load().gpuLayers().set(gpuLayers);
            app.load().contextLength().set(context);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void maxTokens(int n) {
        javafx.scene.control.Spinner<?> spinner = robot.lookup("#maxTokensSpinner").queryAs(javafx.scene.control.Spinner.class);
        robot.interact(() -> {
            spinner.getEditor().setText(String.valueOf(n));
            spinner.commitValue();
        });
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }
}
