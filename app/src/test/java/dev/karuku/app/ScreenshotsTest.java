package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.app.shell.Page;
import dev.karuku.app.ui.ThemeChoice;
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
    @TempDir Path users;
    @TempDir Path work;
    /// The data folder where a Linux user's Karuku keeps it, so the pictures show `~/.local/share/karuku/models`
    /// rather than the test run's temporary folder.
    Path home;
    String realUserHome;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    dev.karuku.engine.hub.fake.FakeHub hub;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (hub != null) hub.close();
        if (realUserHome != null) System.setProperty("user.home", realUserHome);
    }

    /// Opens the first result's page with the keyboard and waits for every stop's estimate; on a timeout, says
    /// which stops are still open and why.
    void openModelPage() throws Exception {
        robot.interact(() -> {
            var list = robot.lookup("#discover-results").queryAs(javafx.scene.control.ListView.class);
            list.getSelectionModel().select(0);
            list.requestFocus();
        });
        robot.type(KeyCode.ENTER);
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> stops().size() == 3 && stops().stream().allMatch(x -> x.estimate().get() != null));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("model page stops: " + stops().stream().map(x -> x.label() + "=" + x.estimate().get() + "/" + x.errorKey().get()).toList(), e);
        }
    }

    java.util.List<dev.karuku.app.discover.StopItem> stops() {
        return robot.lookup("#model-page").tryQuery()
                .map(n -> (java.util.List<dev.karuku.app.discover.StopItem>) ((dev.karuku.app.discover.ModelPageViewModel) n.getUserData()).stops())
                .orElse(java.util.List.of());
    }

    @Test
    void everyScreenInBothLanguagesAndThemes() throws Exception {
        realUserHome = System.getProperty("user.home");
        System.setProperty("user.home", users.resolve("alex").toString());
        home = Files.createDirectories(users.resolve("alex/.local/share/karuku"));
        hub = JourneyTest.successorHub(work);
        hub.addRepo("karuku-test/Gated-Chat-GGUF").gated("manual").downloads(950).likes(31)
                .addFile("Gated-Chat-Q4_K_M.gguf", work.resolve("Successor-Q4_K_M.gguf"));
        hub.addRepo("karuku-test/Vision-Chat-GGUF").pipelineTag("image-text-to-text").downloads(120).likes(8)
                .addFile("Vision-Chat-Q4_K_M.gguf", work.resolve("Successor-Q4_K_M.gguf"));
        // a model LM Studio downloaded, which My Models lists as found there (and the user's real ones stay out)
        Path lmStudio = work.resolve("user-home/.lmstudio/models/lmstudio-community/Successor-GGUF/Successor-Q4_K_M.gguf");
        Files.createDirectories(lmStudio.getParent());
        Files.copy(work.resolve("Successor-Q4_K_M.gguf"), lmStudio);
        app = AppWindow.start(() -> new KarukuApp(home, dev.karuku.engine.hub.HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        AppWindow.size(robot, 1280, 800);
        ChatScreenTest.load(app, 1);
        robot.clickOn(robot.lookup("#chat-input").queryAs(TextArea.class)).write("abc").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#chat-send").query().isVisible()));
        // Discover with results, a model page with its slider, a download under way, the model in My Models
        robot.interact(() -> app.shell().page().set(Page.DISCOVER));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.discover().results().size() == 3
                && robot.lookup(".result-row").tryQuery().isPresent()));
        // the model page once at full speed: its headers are then cached, as they are for a user going back and
        // forth, and the pages opened below while the CDN crawls show their estimates at once
        openModelPage();
        robot.clickOn("#model-back");
        robot.interact(() -> app.shell().page().set(Page.CHAT));
        hub.faults().cdnBytesPerSecond(12_000); // slow, so the Downloads screen shows a job under way
        Files.createDirectories(home.resolve("models"));
        Files.copy(work.resolve("Successor-IQ3_S.gguf"), home.resolve("models/Successor-IQ3_S.gguf"));
        var job = app.downloadManager().enqueue(JourneyTest.REPO, hub.repo(JourneyTest.REPO).sha(), "Q5_K_S",
                java.util.List.of(new dev.karuku.engine.hub.RepoFile("Successor-Q5_K_S.gguf",
                        Files.size(work.resolve("Successor-Q5_K_S.gguf")), java.util.Optional.empty(), java.util.Optional.empty())));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.downloads().rows().size() == 1
                && app.downloads().rows().getFirst().progress().get().bytesDone() > 0);
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            for (ThemeChoice theme : new ThemeChoice[] {ThemeChoice.LIGHT, ThemeChoice.DARK}) {
                robot.interact(() -> {
                    app.settings().language().set(language);
                    app.settings().theme().set(theme);
                });
                String suffix = "-" + (language == LanguageChoice.ENGLISH ? "en" : "ja") + "-" + theme.name().toLowerCase(Locale.ROOT);
                // the model page, opened from the results
                robot.interact(() -> app.shell().page().set(Page.DISCOVER));
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".result-row").tryQuery().isPresent()));
                openModelPage();
                // Q5_K_S is the one downloading: the picture shows a size the user can still download
                robot.clickOn("#model-stop-Q4_K_M");
                WaitForAsyncUtils.waitForFxEvents();
                assertThat(robot.lookup("#model-download").queryButton().isDisabled()).isFalse();
                robot.interact(() -> Screenshots.write(FxToolkit.toolkitContext().getRegisteredStage().getScene(), "model" + suffix));
                robot.clickOn("#model-back");
                robot.interact(() -> app.shell().page().set(Page.LOAD));
                robot.interact(() -> app.load().file().set(home.resolve("models/Successor-IQ3_S.gguf")));
                WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#load-verdict").tryQuery().map(n -> !((javafx.scene.control.Label) n).getText().isBlank()).orElse(false)));
                for (Page page : new Page[] {Page.DISCOVER, Page.DOWNLOADS, Page.MODELS, Page.LOAD, Page.CHAT, Page.SETTINGS}) {
                    robot.interact(() -> app.shell().page().set(page));
                    if (page == Page.MODELS) WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.models().models().stream().anyMatch(m -> m.readOnly())
                            && robot.lookup(".found-in").tryQuery().isPresent()));
                    WaitForAsyncUtils.waitForFxEvents();
                    String name = page.name().toLowerCase(Locale.ROOT) + suffix;
                    robot.interact(() -> Screenshots.write(FxToolkit.toolkitContext().getRegisteredStage().getScene(), name));
                    assertThat(Files.size(Screenshots.dir().resolve(name + ".png"))).isGreaterThan(10_000);
                    // no picture shows the test run's folders: the data folder reads as a user's would
                    assertThat(robot.lookup((javafx.scene.Node n) -> n instanceof javafx.scene.control.Labeled || n instanceof javafx.scene.control.TextInputControl)
                            .queryAll().stream().map(n -> n instanceof javafx.scene.control.Labeled l ? l.getText() : ((javafx.scene.control.TextInputControl) n).getText())
                            .filter(t -> t != null && (t.contains(users.toString()) || t.contains(work.toString()))).toList())
                            .as("texts on %s showing the test's folders", name).isEmpty();
                    if (page == Page.MODELS) assertThat(robot.lookup(".hint").queryAllAs(javafx.scene.control.Label.class))
                            .extracting(javafx.scene.control.Label::getText).contains(language == LanguageChoice.ENGLISH
                                    ? "Models folder: ~/.local/share/karuku/models" : new dev.karuku.app.ui.Messages(Locale.JAPANESE).get("models.folder", "~/.local/share/karuku/models"));
                    if (page == Page.LOAD || page == Page.SETTINGS) { // threads "0" reads as "auto (cores)", not a bare 0
                        var threads = robot.lookup(page == Page.LOAD ? "#load-threads" : "#settings-threads").queryAs(javafx.scene.control.Spinner.class);
                        assertThat(threads.getEditor().getText())
                                .startsWith(language == LanguageChoice.ENGLISH ? "Auto (" : "自動 (").doesNotStartWith("0");
                    }
                    if (page == Page.DOWNLOADS) { // the job's progress bar spans its row, and its buttons are in view
                        var bar = robot.lookup(".download-row .progress-bar").query();
                        var row = robot.lookup(".download-row").query();
                        var list = robot.lookup("#downloads-list").query();
                        assertThat(bar.isVisible()).isTrue();
                        assertThat(bar.getLayoutBounds().getWidth()).as("bar %s in row %s", bar.getLayoutBounds(), row.getLayoutBounds())
                                .isGreaterThan(row.getLayoutBounds().getWidth() / 2);
                        assertThat(bar.getLayoutBounds().getHeight()).isGreaterThan(2);
                        assertThat(row.localToScene(row.getLayoutBounds()).getMaxX()).isLessThanOrEqualTo(list.localToScene(list.getLayoutBounds()).getMaxX());
                    }
                }
            }
        }
    }
}
