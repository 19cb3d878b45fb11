package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.MessageItem;
import dev.karuku.engine.conversation.ConversationSummary;
import dev.karuku.engine.conversation.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// The chat features of issue 21 in a real window, with the mouse: versions of a regenerated answer, search across
/// chats, presets saved by name that are still there after a restart, and the shortcuts sheet.
class ChatFeaturesScreenTest {
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
    void aRegeneratedAnswerKeepsTheEarlierOneBehindTheVersionArrows() throws Exception {
        app = start();
        ChatScreenTest.load(app, 1);
        send("abc");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(2));
        String first = messages().get(1).text().get();
        robot.clickOn(visible("#chat-regenerate"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(2) && !messages().get(1).versions().get().isEmpty());
        Label version = (Label) visible("#chat-version");
        assertThat(version.getText()).isEqualTo("2/2");
        robot.clickOn(visible("#chat-version-previous"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> messages().get(1).versionIndex() == 0));
        assertThat(((Label) visible("#chat-version")).getText()).isEqualTo("1/2");
        assertThat(messages().get(1).text().get()).isEqualTo(first).startsWith("def");
    }

    @Test
    void searchListsOnlyTheChatsThatMentionTheWords() throws Exception {
        app = start();
        ChatScreenTest.load(app, 1);
        send("kettle");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(2));
        robot.press(KeyCode.CONTROL).press(KeyCode.N).release(KeyCode.N).release(KeyCode.CONTROL);
        send("teapot");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> finished(2));
        ListView<ConversationSummary> list = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> list.getItems().size() == 2));

        robot.clickOn("#chat-search").write("KETT");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> list.getItems().size() == 1));
        assertThat(list.getItems().getFirst().title()).isEqualTo("kettle");
        robot.clickOn(robot.lookup(".conversation-list .list-cell").match((javafx.scene.control.ListCell<?> c) -> !c.isEmpty())
                .queryAs(javafx.scene.control.ListCell.class));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> messages().getFirst().text().get().equals("kettle")));

        robot.interact(() -> robot.lookup("#chat-search").queryAs(TextField.class).clear());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> list.getItems().size() == 2));
    }

    @Test
    void aPresetSavedByNameIsThereAfterARestart() throws Exception {
        app = start();
        @SuppressWarnings("unchecked") ComboBox<Object> preset = robot.lookup("#chat-preset").queryAs(ComboBox.class);
        robot.interact(() -> preset.getSelectionModel().select(3)); // Custom
        robot.interact(() -> robot.lookup("#chat-seed").queryAs(TextField.class).setText("1234"));
        robot.clickOn("#chat-system-prompt");
        robot.clickOn("#chat-system-prompt-area").write("Answer in haiku.");
        robot.clickOn("#chat-saved");
        robot.clickOn(robot.lookup("#chat-saved-save").tryQuery().isPresent() ? "#chat-saved-save" : "Save current settings as…");
        robot.write("Poet").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> java.nio.file.Files.exists(home.resolve("chat-settings.json"))
                && java.nio.file.Files.readString(home.resolve("chat-settings.json")).contains("Poet"));

        AppWindow.close(app);
        app = start();
        assertThat(robot.lookup("#chat-seed").queryAs(TextField.class).getText()).as("the sampling in use").isEqualTo("1234");
        robot.interact(() -> app.chat().systemPrompt().set(""));
        robot.clickOn("#chat-saved");
        robot.clickOn("Poet");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.chat().systemPrompt().get()).isEqualTo("Answer in haiku.");
    }

    @Test
    void f1AndTheHelpButtonListTheShortcuts() throws Exception {
        app = start();
        robot.clickOn("#chat-input");
        robot.type(KeyCode.F1);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> sheet() != null));
        assertThat(labels(sheet())).contains("Esc", "Stop the answer", "Ctrl+N", "New chat", "F1 · Ctrl+/");
        robot.interact(() -> sheet().getScene().getWindow().hide());
        robot.clickOn("#chat-shortcuts");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> sheet() != null));
    }

    static Node sheet() {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null && w.getScene().lookup("#shortcuts-sheet") != null)
                return w.getScene().lookup("#shortcuts-sheet");
        }
        return null;
    }

    static List<String> labels(Node n) {
        return n.lookupAll(".label").stream().map(l -> ((Label) l).getText()).toList();
    }

    Node visible(String query) {
        return robot.lookup(query).match(ChatFeaturesScreenTest::shown).query();
    }

    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return true;
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
}
