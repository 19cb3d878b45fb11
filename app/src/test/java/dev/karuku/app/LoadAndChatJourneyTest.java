package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.load.LoadState;
import dev.karuku.app.shell.Page;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// A user's path with a real model through llama.cpp: My Models → Load with some GPU layers (on the software
/// Vulkan device when present) → the status bar shows layers and memory → send "abc" → the answer streams
/// "defghij…" → Esc stops it → close and restart → the conversation is still there.
class LoadAndChatJourneyTest {
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        if (app != null) FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    KarukuApp start() throws Exception {
        FxToolkit.registerPrimaryStage();
        KarukuApp a = new KarukuApp(home);
        FxToolkit.setupApplication(() -> a);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        return a;
    }

    @Test
    void loadTheSuccessorModelWithGpuLayersAndChat() throws Exception {
        Path f32 = TestModels.successor(work.resolve("successor-F32.gguf"));
        Path models = Files.createDirectories(home.resolve("models"));
        LlamaRuntime llama = LlamaRuntime.load();
        llama.quantize(f32, models.resolve("successor-Q4_K_M.gguf"), FileType.MOSTLY_Q4_K_M, 2, QuantizeListener.NONE);
        boolean gpu = llama.supportsGpuOffload() && llama.devices().stream().anyMatch(d -> d.isGpu());

        app = start();
        robot.clickOn("#nav-models");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#models-load-successor-Q4-K-M-gguf").tryQuery().isPresent());
        robot.clickOn("#models-load-successor-Q4-K-M-gguf");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.load().maxGpuLayers().get() == 3);
        Slider layers = robot.lookup("#load-layers").queryAs(Slider.class);
        robot.interact(() -> layers.setValue(2));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#load-verdict").tryQuery().isPresent());
        Screenshots.writeNow("load-en-light");
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() != LoadState.LOADING);
        assertThat(app.load().error().get()).isEmpty();
        assertThat(app.load().state().get()).isEqualTo(LoadState.LOADED);
        String status = robot.lookup("#status-layers").queryAs(Label.class).getText();
        if (gpu) {
            assertThat(status).contains("2/3");
            assertThat(robot.lookup("#status-backend").queryAs(Label.class).getText()).isEqualTo("Vulkan");
            assertThat(app.session().loaded().get().vramBytes()).isPositive();
        } else {
            assertThat(status).contains("0/3");
        }
        robot.clickOn("#load-chat");
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        robot.clickOn(input).write("abc").type(KeyCode.ENTER);
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> lastText().startsWith("defghij"));
        } catch (java.util.concurrent.TimeoutException e) {
            assertThat(lastText()).as("answer; chat error: %s", robot.lookup(".bubble-error").queryAllAs(Label.class)
                    .stream().map(Label::getText).toList()).startsWith("defghij");
        }
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#chat-send").query().isVisible());
        String answer = lastText();
        assertThat(answer).startsWith("defghij");

        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        app = start();
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> messages().size() == 2);
        assertThat(messages().get(0).text().get()).isEqualTo("abc");
        assertThat(messages().get(1).text().get()).isEqualTo(answer);
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
