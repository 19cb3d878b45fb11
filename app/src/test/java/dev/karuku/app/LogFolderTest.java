package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.SettingsViewModel;
import dev.karuku.app.shell.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// What goes wrong in the app lands, with its stack trace and without the token, in the log folder that Settings
/// offers to open.
class LogFolderTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    @Test
    void anErrorShownInSettingsIsInTheLogFolderItsButtonOpens() throws Exception {
        KarukuApp a = AppWindow.start(() -> new KarukuApp(home, dev.karuku.engine.hub.HubConfig.of("http://127.0.0.1:9", null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), home.resolve("user-home"))));
        app = a;
        robot.interact(() -> app.shell().page().set(Page.SETTINGS));
        WaitForAsyncUtils.waitForFxEvents();
        Button open = robot.lookup("#settings-open-logs").queryButton();
        assertThat(open.isVisible()).isTrue();
        assertThat(open.getText()).isNotBlank();

        Files.createDirectories(home.resolve("settings.json").resolve("in the way")); // the save will fail
        robot.interact(() -> {
            app.settings().hfToken().set("my-own-token-1234");
            app.settings().save();
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.settings().saveState().get() == SettingsViewModel.SaveState.FAILED);

        Path log = app.logDir().resolve("karuku.log");
        assertThat(app.logDir()).isEqualTo(home.resolve("logs"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Files.isRegularFile(log) && Files.readString(log).contains("\tat "));
        assertThat(Files.readString(log)).contains("Could not save settings").contains(home.resolve("settings.json").toString())
                .doesNotContain("my-own-token-1234");
    }
}
