package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.app.shell.Page;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// My Models as a picky user saw it (issue 19): a file that is not a GGUF is refused at import in the user's
/// language, the Load buttons line up and the cards do not touch, a long line never pushes Delete out of the
/// window, and the delete confirmation follows the theme and the language.
class ModelsScreenTest {
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (hub != null) hub.close();
    }

    /// Karuku's own model and one LM Studio downloaded (listed read-only, without Delete).
    void start(Path... ownExtra) throws Exception {
        hub = FakeHub.start();
        Path models = home.resolve("models");
        TestRepos.gguf(models.resolve("Tiny-Chat-Q4_K_M.gguf"), "Q4_K_M", 2, 32, 16);
        TestRepos.gguf(work.resolve("user-home/.lmstudio/models/lmstudio-community/Tiny-GGUF/Tiny-Q8_0.gguf"), "Q8_0", 2, 32, 16);
        app = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        AppWindow.size(robot, 1280, 800);
    }

    void show(LanguageChoice language, ThemeChoice theme, int rows) throws Exception {
        robot.interact(() -> {
            app.settings().language().set(language);
            app.settings().theme().set(theme);
            app.shell().page().set(Page.MODELS);
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.models().models().size() == rows
                && robot.lookup("#models-list .card").queryAll().size() == rows));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void aFileThatIsNotAGgufIsRefusedAtImportWithATranslatedMessage() throws Exception {
        start();
        show(LanguageChoice.JAPANESE, ThemeChoice.LIGHT, 2);
        Path fake = Files.writeString(work.resolve("notes.gguf"), "these are my notes, not a model\n".repeat(50));

        robot.interact(() -> app.models().importFiles(List.of(fake)));

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> !robot.lookup("#models-error").queryAs(Label.class).getText().isEmpty()));
        assertThat(robot.lookup("#models-error").queryAs(Label.class).getText())
                .isEqualTo(new Messages(Locale.JAPANESE).get("models.import.notGguf", "notes.gguf")).contains("GGUF 形式");
        assertThat(home.resolve("models/notes.gguf")).doesNotExist();
        assertThat(app.models().models()).hasSize(2).noneMatch(m -> m.name().equals("notes.gguf"));
    }

    /// An empty file, one cut short and one that is not a GGUF, dropped in the models folder, say what is wrong in
    /// the user's language (the GGUF reader's English words only in the tooltip), not "使えないモデルです: the GGUF
    /// header is cut short: reading the magic number needs…".
    @Test
    void aDamagedFileInTheModelsFolderSaysWhatIsWrongInTheUsersLanguage() throws Exception {
        Path models = Files.createDirectories(home.resolve("models"));
        Path whole = TestRepos.gguf(work.resolve("whole.gguf"), "Q4_K_M", 2, 32, 16);
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(models.resolve("cut.gguf"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.write(models.resolve("empty.gguf"), new byte[0]);
        Files.writeString(models.resolve("notes.gguf"), "these are my notes, not a model\n".repeat(50));
        start();
        show(LanguageChoice.JAPANESE, ThemeChoice.LIGHT, 5);

        Messages ja = new Messages(Locale.JAPANESE);
        List<String> shown = robot.lookup("#models-list .bubble-error").queryAllAs(Label.class).stream().map(Label::getText).toList();
        assertThat(shown).containsExactlyInAnyOrder(
                ja.get("models.unreadable", ja.get("models.problem.cutShort")),
                ja.get("models.unreadable", ja.get("models.problem.empty")),
                ja.get("models.unreadable", ja.get("models.problem.notGguf")));
        assertThat(shown).allSatisfy(t -> assertThat(t).doesNotContainPattern("[a-z]{3,}"));
    }

    @Test
    void theLoadButtonsLineUpTheCardsDoNotTouchAndALongLineKeepsDeleteInView() throws Exception {
        start();
        // a damaged file copied into the folder by hand, with a name longer than the window is wide
        Files.writeString(home.resolve("models/" + "A-very-long-model-name-that-someone-gave-this-file".repeat(4) + ".gguf"), "not a model");
        show(LanguageChoice.ENGLISH, ThemeChoice.LIGHT, 3);

        List<Bounds> cards = robot.lookup("#models-list .card").queryAll().stream().map(n -> n.localToScene(n.getLayoutBounds()))
                .sorted(Comparator.comparingDouble(Bounds::getMinY)).toList();
        for (int i = 1; i < cards.size(); i++) {
            assertThat(cards.get(i).getMinY() - cards.get(i - 1).getMaxY()).as("gap above card %d", i).isGreaterThanOrEqualTo(4);
        }
        List<Double> loadRightEdges = robot.lookup((Node n) -> n.getId() != null && n.getId().startsWith("models-load-")).queryAll().stream()
                .map(n -> n.localToScene(n.getLayoutBounds()).getMaxX()).toList();
        assertThat(loadRightEdges).hasSize(3);
        assertThat(loadRightEdges.stream().mapToDouble(d -> d).max().orElseThrow() - loadRightEdges.stream().mapToDouble(d -> d).min().orElseThrow())
                .as("Load buttons' right edges %s", loadRightEdges).isLessThan(1);
        Node list = robot.lookup("#models-list").query();
        double listRight = list.localToScene(list.getLayoutBounds()).getMaxX();
        for (Node delete : robot.lookup((Node n) -> n.getId() != null && n.getId().startsWith("models-delete-") && n.isVisible()).queryAll()) {
            assertThat(delete.localToScene(delete.getLayoutBounds()).getMaxX()).as("%s's right edge", delete.getId()).isLessThanOrEqualTo(listRight);
        }
    }

    @Test
    void theDeleteConfirmationFollowsTheThemeAndTheLanguage() throws Exception {
        start();
        show(LanguageChoice.JAPANESE, ThemeChoice.DARK, 2);

        robot.clickOn("#models-delete-Tiny-Chat-Q4-K-M-gguf");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".dialog-pane").tryQuery().isPresent()));
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane pane = robot.lookup(".dialog-pane").queryAs(DialogPane.class);
        assertThat(robot.from(pane).lookup(".button").queryAllAs(Button.class)).extracting(Button::getText)
                .containsExactlyInAnyOrder("削除", "キャンセル");
        assertThat(pane.getContentText()).contains("Tiny-Chat-Q4_K_M.gguf").doesNotContain("ダウンロード");
        Label content = robot.from(pane).lookup(".content").queryAs(Label.class);
        Color text = (Color) content.getTextFill();
        Color background = (Color) pane.getBackground().getFills().getLast().getFill();
        assertThat(DiscoverScreenTest.contrast(text, background)).as("text %s on %s", text, background).isGreaterThanOrEqualTo(4.5);
        assertThat(background.getBrightness()).as("a dark dialog in dark mode").isLessThan(0.3);

        robot.clickOn("キャンセル");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".dialog-pane").tryQuery()).isEmpty();
        assertThat(home.resolve("models/Tiny-Chat-Q4_K_M.gguf")).exists();
    }
}
