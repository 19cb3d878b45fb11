package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.conversation.Role;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollBar;
import javafx.geometry.Orientation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// A 5,000-message conversation opens and scrolls to its end with a virtualised list: only the cells that fit
/// the window exist, not one per message.
class LongConversationTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    @Test
    void fiveThousandMessagesScrollToTheEndWithFewCells() throws Exception {
        try (var w = new ConversationStore(home.resolve("conversations")).create("long")) {
            for (int i = 0; i < 5000; i++) w.add(i % 2 == 0 ? Role.USER : Role.ASSISTANT, "message " + i + (i % 7 == 0 ? "\n\nwith **two** lines" : ""));
        }
        app = AppWindow.start(() -> new KarukuApp(home));
        AppWindow.size(robot, 1280, 800);
        ListView<?> conversations = robot.lookup("#chat-conversations").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> conversations.getItems().size() == 1);
        robot.interact(() -> conversations.getSelectionModel().select(0));
        ListView<?> messages = robot.lookup("#chat-messages").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> messages.getItems().size() == 5000);
        robot.interact(() -> messages.scrollTo(messages.getItems().size() - 1));
        WaitForAsyncUtils.waitForFxEvents();

        var cells = robot.from(messages).lookup(".list-cell").queryAllAs(ListCell.class);
        assertThat(cells).as("cells created").hasSizeGreaterThan(0).hasSizeLessThan(100);
        assertThat(cells.stream().filter(c -> !c.isEmpty() && c.isVisible()).map(ListCell::getIndex))
                .as("the last message is on screen").contains(4999);
        ScrollBar bar = robot.from(messages).lookup(".scroll-bar").queryAllAs(ScrollBar.class).stream()
                .filter(b -> b.getOrientation() == Orientation.VERTICAL).findFirst().orElseThrow();
        assertThat(bar.getValue()).isGreaterThan(bar.getMax() * 0.99);
    }
}
