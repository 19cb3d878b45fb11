package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.testfx.matcher.control.LabeledMatchers.hasText;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.load.LoadedModel;
import dev.karuku.engine.conversation.ConversationSummary;
import dev.karuku.engine.conversation.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.collections.FXCollections;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.input.InputMethodEvent;
import javafx.scene.input.InputMethodTextRun;
import javafx.scene.input.InputMethodHighlight;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// The Chat screen in a real window: typing, Enter with and without an IME composition, streaming, Esc to stop,
/// and the conversation still there after the app is closed and started again.
class ChatScreenTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    KarukuApp start() throws Exception {
        KarukuApp a = AppWindow.start(() -> new KarukuApp(home));
        WaitForAsyncUtils.waitForFxEvents();
        return a;
    }

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    @Test
    void answerStreamsStopsAndIsStillThereAfterRestart() throws Exception {
        app = start();
        load(app, 40);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> lastText().startsWith("defghij"));
        assertThat(input.getText()).isEmpty();
        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        String answer = lastText();
        assertThat(answer).startsWith("defghij");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().getLast().stats().get() != null);
        assertThat(messages().getLast().stats().get().stopped()).as("Esc stopped it").isTrue();

        AppWindow.close(app);
        app = start();
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().size() == 2);
        assertThat(messages().get(0).text().get()).isEqualTo("abc");
        assertThat(messages().get(1).role()).isEqualTo(Role.ASSISTANT);
        assertThat(messages().get(1).text().get()).isEqualTo(answer);
    }

    @Test
    void aConversationIsRenamedAndDeletedFromItsMenu() throws Exception {
        app = start();
        load(app, 1);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        for (String text : new String[] {"first", "second"}) {
            robot.clickOn(input).write(text).type(KeyCode.ENTER);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> messages().size() == 2);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
            robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
        }
        ListView<ConversationSummary> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().size() == 2);
        // the menu acts on the row it was opened on
        robot.rightClickOn(robot.lookup(".list-cell").match(hasText("first")).queryAs(javafx.scene.Node.class));
        robot.clickOn("Rename");
        robot.press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL).write("renamed").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().stream().map(ConversationSummary::title)
                .collect(java.util.stream.Collectors.toSet()).equals(java.util.Set.of("second", "renamed")));

        robot.rightClickOn(robot.lookup(".list-cell").match(hasText("second")).queryAs(javafx.scene.Node.class));
        robot.clickOn("Delete");
        robot.clickOn(robot.lookup(".dialog-pane .button").match(hasText("Delete")).queryAs(javafx.scene.Node.class));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().stream().map(ConversationSummary::title).toList()
                .equals(List.of("renamed")));
        // an empty row has no menu
        robot.moveTo(conversations, javafx.geometry.Pos.BOTTOM_CENTER, new javafx.geometry.Point2D(0, -10), org.testfx.robot.Motion.DIRECT)
                .clickOn(javafx.scene.input.MouseButton.SECONDARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".context-menu").tryQuery()).isEmpty();
    }

    @Test
    void aReplyCutShortByALimitSaysWhich() throws Exception {
        app = start();
        load(app, 1);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.interact(() -> app.chatPreset(dev.karuku.app.chat.SamplingPreset.PRECISE));
        Spinner<?> maxLength = robot.lookup("#maxTokensSpinner").queryAs(Spinner.class);
        robot.interact(() -> maxLength.getEditor().setText("20"));
        robot.interact(() -> maxLength.commitValue());
        robot.clickOn(input).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> messages().size() == 2 && messages().getLast().stats().get() != null);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> lastLine(".bubble-stats").endsWith("· reached Max length")));
        assertThat(lastText()).hasSize(20);
        assertThat(WaitForAsyncUtils.asyncFx(() -> lastLine(".bubble-notice")).get()).isEmpty();

        // 512 tokens of context: a long enough reply fills it
        robot.interact(() -> maxLength.getEditor().setText("1024"));
        robot.interact(() -> maxLength.commitValue());
        robot.clickOn(input).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> messages().size() == 4 && messages().getLast().stats().get() != null);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> lastLine(".bubble-stats").endsWith("· context full")));
        assertThat(WaitForAsyncUtils.asyncFx(() -> lastLine(".bubble-notice")).get()).startsWith("The context is full: from your next message on");
        // the notice wraps and shows whole: the bubble is as tall as its content at the width it has
        assertThat(WaitForAsyncUtils.asyncFx(() -> {
            var cell = robot.lookup(".list-cell").queryAllAs(ListCell.class).stream()
                    .filter(c -> !c.isEmpty() && c.getIndex() == messages().size() - 1 && c.isVisible()).findFirst().orElseThrow();
            Label notice = (Label) cell.lookup(".bubble-notice");
            var bubble = (javafx.scene.layout.Region) notice.getParent();
            return List.of(notice.getHeight() - notice.prefHeight(notice.getWidth()), bubble.getHeight() - bubble.prefHeight(bubble.getWidth()),
                    notice.prefHeight(notice.getWidth()) / notice.minHeight(notice.getWidth()));
        }).get()).satisfies(d -> {
            assertThat(d.get(0)).as("notice height - its height at its width").isGreaterThan(-0.5);
            assertThat(d.get(1)).as("bubble height - its height at its width").isGreaterThan(-0.5);
            assertThat(d.get(2)).as("notice lines").isGreaterThan(1.5);
        });
    }

    /// The text of the `selector` label in the last message's bubble on screen ("" when there is none, or it is empty).
    String lastLine(String selector) {
        var cells = robot.lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(c -> !c.isEmpty() && c.getIndex() == messages().size() - 1 && c.getScene() != null && c.isVisible()).toList();
        return cells.isEmpty() ? "" : cells.getFirst().lookupAll(selector).stream()
                .filter(n -> n instanceof Label l && l.isManaged() && l.isVisible())
                .map(n -> ((Label) n).getText()).filter(t -> t != null && !t.isEmpty()).findFirst().orElse("");
    }

    @Test
    void theSendButtonFollowsTheTextBoxAndAClickSends() throws Exception {
        app = start();
        load(app, 5);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        javafx.scene.control.Button send = robot.lookup("#chat-send").queryButton();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(send.isDisabled()).as("nothing typed").isTrue();
        for (String text : new String[] {"abc", "uvw"}) {
            int before = messages().size();
            robot.clickOn(input).write(text);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(send.isDisabled()).as("'%s' typed", text).isFalse();
            robot.clickOn(send);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> messages().size() == before + 2 && lastText().length() >= 3);
            assertThat(input.getText()).isEmpty();
            robot.type(KeyCode.ESCAPE);
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(send::isVisible));
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(send.isDisabled()).as("the box is empty again after sending '%s'", text).isTrue();
        }
        assertThat(messages()).extracting(m -> m.text().get()).element(0).isEqualTo("abc");
        assertThat(messages().get(1).text().get()).startsWith("def");
        assertThat(messages().get(2).text().get()).isEqualTo("uvw");
        assertThat(messages().get(3).text().get()).startsWith("xyz");
    }

    @Test
    void enterWhileAnImeIsComposingDoesNotSend() throws Exception {
        app = start();
        load(app, 5);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input);
        var composing = List.of(new InputMethodTextRun("にほんご", InputMethodHighlight.SELECTED_RAW));
        robot.interact(() -> input.fireEvent(new InputMethodEvent(InputMethodEvent.INPUT_METHOD_TEXT_CHANGED,
                composing, "", 4)));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(messages()).as("Enter confirms the conversion; nothing is sent").isEmpty();
        robot.interact(() -> input.fireEvent(new InputMethodEvent(InputMethodEvent.INPUT_METHOD_TEXT_CHANGED,
                FXCollections.<InputMethodTextRun>observableArrayList(), "日本語", 0)));
        assertThat(input.getText()).isEqualTo("日本語");
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().size() == 2);
        assertThat(messages().get(0).text().get()).isEqualTo("日本語");
    }

    @Test
    void shiftEnterAddsALineAndCtrlNStartsANewChat() throws Exception {
        app = start();
        load(app, 2);
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input).write("one").press(KeyCode.SHIFT).type(KeyCode.ENTER).release(KeyCode.SHIFT).write("two");
        assertThat(input.getText()).isEqualTo("one\ntwo");
        robot.press(KeyCode.CONTROL).type(KeyCode.ENTER).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().size() == 2);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        robot.press(KeyCode.CONTROL).type(KeyCode.N).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(messages()).isEmpty();
    }

    @Test
    void theMessagesSitOnThePageWithRoomUnderTheToolbarAndEachConversationShowsWhenItWasWritten() throws Exception {
        app = start();
        AppWindow.size(robot, 1280, 800);
        load(app, 1);
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> messages().size() == 2);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        WaitForAsyncUtils.waitForFxEvents();

        ListView<?> list = robot.lookup("#chat-messages").queryAs(ListView.class);
        boolean framed = list.getBorder() != null && list.getBorder().getStrokes().stream().anyMatch(b -> !b.getWidths().equals(javafx.scene.layout.BorderWidths.EMPTY)
                && !(b.getTopStroke() instanceof javafx.scene.paint.Color c && c.getOpacity() == 0));
        assertThat(framed).as("a frame around the messages: %s", list.getBorder() == null ? null : list.getBorder().getStrokes()).isFalse();
        javafx.scene.Node toolbar = robot.lookup(".chat-toolbar").query();
        javafx.scene.Node first = robot.lookup(".bubble-user").query();
        double gap = first.localToScene(first.getLayoutBounds()).getMinY() - toolbar.localToScene(toolbar.getLayoutBounds()).getMaxY();
        assertThat(gap).as("room between the toolbar and the first message").isGreaterThanOrEqualTo(12);

        @SuppressWarnings("unchecked") ListCell<ConversationSummary> row = robot.lookup("#chat-conversations .list-cell").match(hasText("abc")).queryAs(ListCell.class);
        assertThat(row.getGraphic()).isInstanceOf(Label.class);
        String today = java.time.format.DateTimeFormatter.ofLocalizedTime(java.time.format.FormatStyle.SHORT).withLocale(java.util.Locale.ENGLISH)
                .format(row.getItem().updated().atZone(java.time.ZoneId.systemDefault()));
        assertThat(((Label) row.getGraphic()).getText()).isEqualTo(today);
    }

    @Test
    void anAnswerSavedBeforeACrashIsMarkedAsCutOff() throws Exception {
        var store = new dev.karuku.engine.conversation.ConversationStore(home.resolve("conversations"));
        try (var w = store.create("cold")) { // the app died while "defg" streamed: the answer has no end
            w.add(Role.USER, "abc");
            String answer = w.begin(Role.ASSISTANT);
            w.append(answer, "defg");
        }
        app = start();
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().size() == 2);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".bubble-notice").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.isManaged() && !l.getText().isEmpty())));
        assertThat(robot.lookup(".bubble-notice").queryAllAs(Label.class)).filteredOn(l -> !l.getText().isEmpty()).extracting(Label::getText)
                .containsExactly("This answer was cut off when Karuku closed. Regenerate it to get the whole answer.");
    }

    @Test
    void beforeTheFirstTokenTheAnswerSaysTheModelIsReadingAndEscStopsIt() throws Exception {
        app = start();
        var stopped = new java.util.concurrent.atomic.AtomicBoolean();
        ChatBackend slowPrompt = new ChatBackend() { // a cold model: it reads the prompt for as long as it is let
            @Override public Generation reply(ChatRequest request, Listener listener) {
                Thread.ofPlatform().name("test-generation").start(() -> {
                    listener.reading(7);
                    while (!stopped.get()) Thread.onSpinWait();
                    listener.done(new Result(0, 0, 0, true, 7));
                });
                return () -> stopped.set(true);
            }
            @Override public int contextLength() { return 512; }
            @Override public java.util.concurrent.CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
                return java.util.concurrent.CompletableFuture.completedFuture(0);
            }
        };
        robot.interact(() -> app.session().set(new LoadedModel("cold.gguf", "CPU", 0, 3, 900_000, 0, 512), slowPrompt, null));
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);

        String reading = "Reading your message (7 tokens)… A model just loaded takes longest over its first answer.";
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".bubble-assistant").tryQuery()
                .map(b -> robot.from(b).lookup((javafx.scene.Node n) -> n instanceof javafx.scene.text.Text).queryAllAs(javafx.scene.text.Text.class)
                        .stream().map(javafx.scene.text.Text::getText).collect(java.util.stream.Collectors.joining()).contains(reading)).orElse(false)));
        assertThat(robot.lookup("#chat-stop").query().isVisible()).isTrue();

        robot.type(KeyCode.ESCAPE);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        assertThat(stopped).isTrue();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages().getLast().stats().get() != null);
        assertThat(messages().getLast().stats().get().stopped()).isTrue();
    }

    static void load(KarukuApp app, long millisPerToken) {
        new FxRobot().interact(() -> app.session().set(
                new LoadedModel("successor-Q4_K_M.gguf", "CPU", 0, 3, 900_000, 0, 512), new AlphabetBackend(millisPerToken), null));
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }

    String lastText() {
        var m = messages();
        return m.isEmpty() || m.getLast().role() != Role.ASSISTANT ? "" : m.getLast().text().get();
    }

    static Stage stage() {
        return FxToolkit.toolkitContext().getRegisteredStage();
    }
}
