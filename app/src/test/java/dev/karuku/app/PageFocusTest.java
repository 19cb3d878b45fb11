package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// A user who clicks Discover and starts typing searches; one who comes back to Chat and types writes a message.
/// The keys went to the nav button just clicked (nothing happened) until a click in the field.
class PageFocusTest {
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;

    @AfterEach
    void close() throws Exception {
        if (app != null) FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        if (hub != null) hub.close();
    }

    @Test
    void typingRightAfterANavClickGoesIntoThePagesOwnField() throws Exception {
        hub = FakeHub.start();
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home")));
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        robot.interact(() -> app.settings().language().set(LanguageChoice.ENGLISH));

        robot.clickOn("#nav-discover");
        WaitForAsyncUtils.waitForFxEvents();
        robot.write("gemma");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> Waits.onFx(
                () -> "gemma".equals(robot.lookup("#discover-search").queryAs(TextField.class).getText())));

        robot.clickOn("#nav-models");
        robot.clickOn("#nav-chat");
        WaitForAsyncUtils.waitForFxEvents();
        robot.write("abc");
        WaitForAsyncUtils.waitForFxEvents();
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        assertThat(input.getText()).isEqualTo("abc");
    }

    /// Down and Up in the side bar go to the page below and above (they jumped to pages in no particular order: the
    /// buttons joined their group in a `Map.of`'s order), and Space opens it.
    @Test
    void theArrowKeysMoveThroughTheSideBarInTheOrderItShows() throws Exception {
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home);
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        java.util.List<dev.karuku.app.shell.Page> order = java.util.List.of(dev.karuku.app.shell.Page.DISCOVER,
                dev.karuku.app.shell.Page.DOWNLOADS, dev.karuku.app.shell.Page.MODELS, dev.karuku.app.shell.Page.CHAT,
                dev.karuku.app.shell.Page.SETTINGS);
        robot.interact(() -> robot.lookup("#nav-discover").query().requestFocus());
        for (dev.karuku.app.shell.Page next : order.subList(1, order.size())) {
            robot.type(javafx.scene.input.KeyCode.DOWN);
            assertThat(robot.lookup("#nav-" + next.name().toLowerCase(java.util.Locale.ROOT)).query().isFocused())
                    .as("Down lands on %s", next).isTrue();
        }
        robot.type(javafx.scene.input.KeyCode.UP);
        robot.type(javafx.scene.input.KeyCode.SPACE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.shell().page().get()).isEqualTo(dev.karuku.app.shell.Page.CHAT);
    }
}
