package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.load.LoadState;
import dev.karuku.app.load.LoadedModel;
import dev.karuku.app.shell.Page;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// A reply sped up by a draft model or prompt lookup says under it how many drafted tokens the model accepted and how
/// much faster it was than this model's usual speed; the answer is the one the model gives without a draft.
class SpeculativeChatTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    KarukuApp start() throws Exception {
        FxToolkit.registerPrimaryStage();
        KarukuApp a = new KarukuApp(home);
        FxToolkit.setupApplication(() -> a);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        return a;
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            WaitForAsyncUtils.asyncFx(() -> app.session().unload()).get(5, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
    }

    /// The alphabet, with what a draft model did for it: 37 of 40 drafted tokens accepted, 1.8 times the usual speed.
    static final class DraftedBackend implements ChatBackend {
        final AlphabetBackend alphabet = new AlphabetBackend(1);
        final int drafted, accepted;
        final double speedUp;

        DraftedBackend(int drafted, int accepted, double speedUp) {
            this.drafted = drafted;
            this.accepted = accepted;
            this.speedUp = speedUp;
        }

        @Override
        public Generation reply(ChatRequest request, Listener listener) {
            return alphabet.reply(request, new Listener() {
                @Override public void token(String piece) { listener.token(piece); }
                @Override public void failed(String message) { listener.failed(message); }
                @Override public void done(Result r) {
                    listener.done(new Result(r.tokens(), r.tokensPerSecond(), r.firstTokenMillis(), r.stopped(), r.contextUsed(),
                            r.limit(), drafted, accepted, speedUp));
                }
            });
        }

        @Override public int contextLength() { return alphabet.contextLength(); }

        @Override
        public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
            return alphabet.contextTokens(systemPrompt, turns, maxTokens);
        }
    }

    @Test
    void theStatsShowTheAcceptedDraftTokensAndTheSpeedUpAndKeepThemAfterARestart() throws Exception {
        app = start();
        robot.interact(() -> app.session().set(new LoadedModel("successor.gguf", "CPU", 0, 3, 900_000, 0, 512),
                new DraftedBackend(40, 37, 1.84), null));
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        send("abc");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(2));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> anyStats(t -> t
                .endsWith(" · 37 of 40 drafted tokens accepted · 1.8× this model's usual speed")));
        // shown in full, wrapped where the bubble is narrow, never cut off with "…"
        robot.interact(() -> robot.window(0).setWidth(1024));
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.Label stats = robot.lookup(".bubble-stats").queryAllAs(javafx.scene.control.Label.class).stream()
                .filter(l -> l.getText().contains("drafted")).findFirst().orElseThrow();
        assertThat(((javafx.scene.text.Text) stats.lookup(".text")).getText()).isEqualTo(stats.getText());
        // without a measured usual speed there is no speed-up to tell
        robot.interact(() -> app.session().set(new LoadedModel("successor.gguf", "CPU", 0, 3, 900_000, 0, 512),
                new DraftedBackend(12, 3, 0), null));
        send("abc");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(4));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> anyStats(t -> t
                .endsWith(" · 3 of 12 drafted tokens accepted")));

        WaitForAsyncUtils.asyncFx(() -> app.session().unload()).get(5, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        app = start();
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> messages().size() == 4);
        assertThat(messages().get(1).stats().get().acceptedTokens()).isEqualTo(37);
        assertThat(messages().get(1).stats().get().draftedTokens()).isEqualTo(40);
        assertThat(messages().get(1).stats().get().speedUp()).isEqualTo(1.84);
        assertThat(messages().get(3).stats().get().speedUp()).isNull();
    }

    @Test
    void aDraftModelChosenOnTheLoadScreenGivesTheSameAnswerAndItsStatsShowTheAcceptedTokens() throws Exception {
        Path models = Files.createDirectories(home.resolve("models"));
        TestModels.successor(models.resolve("successor.gguf"));
        TestModels.successor(models.resolve("successor-f16.gguf"), GgmlType.F16);
        app = start();

        loadFromMyModels("#models-load-successor-gguf", null);
        robot.clickOn("#load-chat");
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        send("abc");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> finished(2));
        String plain = messages().get(1).text().get();
        assertThat(plain).startsWith("defghij").hasSizeGreaterThanOrEqualTo(16); // long enough to measure the usual speed
        assertThat(anyStats(t -> t.contains("drafted"))).isFalse();

        loadFromMyModels("#models-load-successor-gguf", "successor-f16.gguf");
        assertThat(robot.lookup("#status-model").queryAs(Label.class).getText()).isEqualTo("successor.gguf · draft successor-f16.gguf");
        robot.clickOn("#load-chat");
        robot.clickOn(robot.lookup(".button").match((javafx.scene.control.Button b) -> "New chat".equals(b.getText())).<Node>query());
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        send("abc");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> finished(2));
        assertThat(messages().get(1).text().get()).as("the same answer as without the draft").isEqualTo(plain);
        var stats = messages().get(1).stats().get();
        assertThat(stats.draftedTokens()).isPositive();
        assertThat(stats.acceptedTokens()).isPositive();
        assertThat(stats.speedUp()).as("against the usual speed measured by the first reply").isNotNull();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> anyStats(t -> t
                .contains(stats.acceptedTokens() + " of " + stats.draftedTokens() + " drafted tokens accepted")));
    }

    /// My Models → Load → the draft (or none) → Load; waits until it is loaded.
    void loadFromMyModels(String loadButton, String draft) throws Exception {
        robot.clickOn("#nav-models");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(loadButton).tryQuery().isPresent()));
        robot.clickOn(loadButton);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.load().plan().get() != null && app.load().draftsFound().get());
        if (draft != null) {
            robot.clickOn("#load-draft");
            Node cell = robot.lookup(".list-cell").match((ListCell<?> c) -> c.isVisible() && c.getText() != null
                    && c.getText().startsWith(draft)).query();
            robot.clickOn(cell);
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> app.load().draft().get() != null);
        }
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> app.load().state().get() == LoadState.LOADED
                || app.load().state().get() == LoadState.FAILED);
        assertThat(app.load().error().get()).isEmpty();
    }

    void send(String text) {
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input).write(text).type(KeyCode.ENTER);
    }

    boolean finished(int count) throws Exception {
        return Waits.onFx(() -> {
            List<MessageItem> m = messages();
            return m.size() == count && m.getLast().role() == Role.ASSISTANT && m.getLast().stats().get() != null;
        });
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }

    /// Whether a reply's stats line on screen matches.
    boolean anyStats(java.util.function.Predicate<String> match) throws Exception {
        return Waits.onFx(() -> robot.lookup(".bubble-stats").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText() != null && match.test(l.getText())));
    }
}
