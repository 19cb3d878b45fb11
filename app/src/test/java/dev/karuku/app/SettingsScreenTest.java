package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.app.shell.Page;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.ScrollBar;
import javafx.geometry.Orientation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// Settings in the window size the README's pictures use (1280×800): everything fits, so no scroll bar.
class SettingsScreenTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    @Test
    void settingsShowsNoScrollBarWhenEverythingFits() throws Exception {
        app = AppWindow.start(() -> new KarukuApp(home));
        AppWindow.size(robot, 1280, 800);
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            robot.interact(() -> {
                app.settings().language().set(language);
                app.settings().theme().set(ThemeChoice.LIGHT);
                app.shell().page().set(Page.SETTINGS);
            });
            WaitForAsyncUtils.waitForFxEvents();
            var bars = robot.lookup((Node n) -> n instanceof ScrollBar b && b.getOrientation() == Orientation.VERTICAL
                    && DiscoverScreenTest.shown(n)).queryAll();
            assertThat(bars).as("vertical scroll bars shown on Settings in %s: %s", language, bars.stream().map(SettingsScreenTest::where).toList()).isEmpty();
        }
    }

    /// In the smallest window the app is meant for (1024×640), no label of Settings' own cards is cut off with "…" in
    /// either language (the token's label read "Hugging Face アクセストークン (ゲート付きモデ…").
    @Test
    void inASmallWindowNoLabelOfSettingsIsCutOff() throws Exception {
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home);
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1024));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(640));
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            robot.interact(() -> {
                app.settings().language().set(language);
                app.settings().theme().set(ThemeChoice.LIGHT);
                app.shell().page().set(Page.SETTINGS);
            });
            WaitForAsyncUtils.waitForFxEvents();
            var cut = robot.lookup(".settings-column > .card .label").queryAllAs(javafx.scene.control.Label.class).stream()
                    .filter(l -> DiscoverScreenTest.shown(l) && l.isTextTruncated()).map(javafx.scene.control.Label::getText).toList();
            assertThat(cut).as("labels cut off on Settings in %s", language).isEmpty();
        }
    }

    static String where(Node n) {
        StringBuilder b = new StringBuilder();
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.ScrollPane sp) {
                b.append(" in ScrollPane ").append(sp.getId()).append(" viewport ").append(sp.getViewportBounds().getHeight())
                        .append(" content ").append(sp.getContent().getLayoutBounds().getHeight());
                return b.toString();
            }
            b.append(p.getClass().getSimpleName()).append('>');
        }
        return b.toString();
    }
}
