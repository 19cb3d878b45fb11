package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.app.settings.ThemeChoice;
import dev.karuku.app.shell.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// Writes a screenshot of every screen in English and Japanese, light and dark, to docs/screenshots/ — the
/// pictures in the README — after a short chat so the Chat screen shows a streamed Markdown answer.
class ScreenshotsTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        if (app != null) FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void everyScreenInBothLanguagesAndThemes() throws Exception {
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home);
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        ChatScreenTest.load(app, 1);
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#chat-send").query().isVisible());
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            for (ThemeChoice theme : new ThemeChoice[] {ThemeChoice.LIGHT, ThemeChoice.DARK}) {
                robot.interact(() -> {
                    app.settings().language().set(language);
                    app.settings().theme().set(theme);
                });
                for (Page page : new Page[] {Page.CHAT, Page.SETTINGS}) {
                    robot.interact(() -> app.shell().page().set(page));
                    WaitForAsyncUtils.waitForFxEvents();
                    String name = page.name().toLowerCase(Locale.ROOT) + "-" + (language == LanguageChoice.ENGLISH ? "en" : "ja")
                            + "-" + theme.name().toLowerCase(Locale.ROOT);
                    robot.interact(() -> Screenshots.write(FxToolkit.toolkitContext().getRegisteredStage().getScene(), name));
                    assertThat(Files.size(Screenshots.dir().resolve(name + ".png"))).isGreaterThan(10_000);
                }
            }
        }
    }
}
