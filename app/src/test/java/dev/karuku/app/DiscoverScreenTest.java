package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.discover.ModelPageViewModel;
import dev.karuku.app.settings.LanguageChoice;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.app.shell.Page;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.SearchSort;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kordamp.ikonli.javafx.FontIcon;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// Discover and the model page as a picky user saw them (issue 19): the sort box's choices read in full, the
/// Gated badge's lock and the memory bars' empty track can be seen in dark mode, the Vision badge promises no
/// image chat, a repo with one size fits the window and a repo without a GGUF file says so instead of spinning.
class DiscoverScreenTest {
    static final String GATED = "karuku-test/Gated-Chat-GGUF";
    static final String VISION = "karuku-test/Vision-Chat-GGUF";
    static final String ONE_SIZE = "karuku-test/One-Size-GGUF";
    static final String NO_GGUF = "karuku-test/No-Gguf-Here";
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

    void start() throws Exception {
        hub = FakeHub.start();
        TestRepos.addTinyRepo(hub, work);
        Path file = TestRepos.gguf(work.resolve("one.gguf"), "Q4_K_M", 4, 32, 64);
        hub.addRepo(GATED).gated("manual").downloads(950).addFile("Gated-Chat-Q4_K_M.gguf", file);
        hub.addRepo(VISION).pipelineTag("image-text-to-text").downloads(120).addFile("Vision-Chat-Q4_K_M.gguf", file);
        hub.addRepo(ONE_SIZE).downloads(60).addFile("One-Size-Q4_K_M.gguf", file);
        hub.addRepo(NO_GGUF).downloads(10).addFile("README.md", "# Weights in another format\n").addFile("model.safetensors", new byte[2048]);
        app = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        AppWindow.size(robot, 1280, 800);
        robot.interact(() -> app.shell().page().set(Page.DISCOVER));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.discover().results().size() == 5
                && robot.lookup(".result-row").tryQuery().isPresent()));
    }

    /// Opens `repo`'s page with a click on its row, as a user does.
    ModelPageViewModel open(String repo) throws Exception {
        String rowId = "#discover-result-" + repo.replaceAll("[^A-Za-z0-9]", "-");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(rowId).tryQuery().isPresent()));
        robot.clickOn(robot.lookup(rowId).<Node>query());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#model-page").tryQuery().isPresent()));
        return (ModelPageViewModel) robot.lookup("#model-page").query().getUserData();
    }

    void setTheme(ThemeChoice theme, LanguageChoice language) {
        robot.interact(() -> {
            app.settings().language().set(language);
            app.settings().theme().set(theme);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theSortBoxShowsEveryChoiceInFullInBothLanguages() throws Exception {
        start();
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            setTheme(ThemeChoice.LIGHT, language);
            robot.interact(() -> app.shell().page().set(Page.DISCOVER));
            for (SearchSort sort : SearchSort.values()) {
                robot.interact(() -> app.discover().sort().set(sort));
                WaitForAsyncUtils.waitForFxEvents();
                ComboBox<?> box = robot.lookup("#discover-sort").queryAs(ComboBox.class);
                ListCell<?> shown = (ListCell<?>) ((javafx.scene.control.skin.ComboBoxListViewSkin<?>) box.getSkin()).getDisplayNode();
                String want = new Messages(language == LanguageChoice.ENGLISH ? Locale.ENGLISH : Locale.JAPANESE)
                        .get("discover.sort." + sort.name().toLowerCase(Locale.ROOT));
                assertThat(shown.getText()).isEqualTo(want);
                assertThat(shown.isTextTruncated()).as("'%s' is cut off in a box %s wide", want, box.getWidth()).isFalse();
            }
        }
    }

    @Test
    void inDarkModeTheGatedLockAndTheEmptyPartOfTheMemoryBarsCanBeSeen() throws Exception {
        start();
        setTheme(ThemeChoice.DARK, LanguageChoice.ENGLISH);
        Label gated = robot.lookup(".badge-gated").queryAs(Label.class);
        Color badge = fill(gated);
        FontIcon lock = (FontIcon) gated.getGraphic();
        assertThat(contrast((Color) lock.getIconColor(), badge)).as("lock %s on %s", lock.getIconColor(), badge).isGreaterThanOrEqualTo(3);
        assertThat(contrast((Color) gated.getTextFill(), badge)).as("text %s on %s", gated.getTextFill(), badge).isGreaterThanOrEqualTo(3);

        ModelPageViewModel page = open(TestRepos.TINY);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> page.stops().size() > 2 && page.stops().stream().allMatch(s -> s.ready()));
        WaitForAsyncUtils.waitForFxEvents();
        ProgressBar ram = robot.lookup("#model-page .mem-bar").queryAs(ProgressBar.class);
        Region track = robot.from(ram).lookup(".track").queryAs(Region.class);
        Color card = fill(robot.lookup("#model-page .card").queryAs(Region.class));
        assertThat(contrast(fill(track), card)).as("track %s on card %s", fill(track), card).isGreaterThanOrEqualTo(1.5);
    }

    @Test
    void theVisionBadgeSaysImagesAreNotSupportedYet() throws Exception {
        start();
        for (LanguageChoice language : new LanguageChoice[] {LanguageChoice.ENGLISH, LanguageChoice.JAPANESE}) {
            setTheme(ThemeChoice.LIGHT, language);
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".badge-unsupported").tryQuery().isPresent()));
            String text = robot.lookup(".badge-unsupported").queryAs(Label.class).getText();
            assertThat(text).isEqualTo(language == LanguageChoice.ENGLISH ? "images: not supported yet" : "画像入力: まだ未対応");
        }
        assertThat(robot.lookup(".badge").queryAllAs(Label.class)).extracting(Label::getText).doesNotContain("Vision");
    }

    @Test
    void theHintsStarIsTheOneOnTheUsualSizes() throws Exception {
        start();
        for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.JAPANESE}) { // the stops carry Feather's outline star
            assertThat(new Messages(locale).get("model.quant.hint")).contains("☆").doesNotContain("★");
        }
        ModelPageViewModel page = open(TestRepos.TINY);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(".quant-stop.pinned .quant-stop-label").tryQuery().isPresent()));
        Label pinned = robot.lookup(".quant-stop.pinned .quant-stop-label").queryAs(Label.class);
        assertThat(((FontIcon) pinned.getGraphic()).getIconCode()).isEqualTo(org.kordamp.ikonli.feather.Feather.STAR);
        // every header read before the app closes (a read finishing after it would report into the next test)
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> page.stops().size() > 2 && page.stops().stream().allMatch(s -> s.ready()));
    }

    @Test
    void aRepoWithOneSizeFitsTheWindow() throws Exception {
        start();
        ModelPageViewModel page = open(ONE_SIZE);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> page.stops().size() == 1 && page.stops().getFirst().estimate().get() != null);
        WaitForAsyncUtils.sleep(500, TimeUnit.MILLISECONDS); // a few layout passes: the overflow grew with each
        WaitForAsyncUtils.waitForFxEvents();
        ScrollPane scroll = robot.lookup("#model-page").queryAs(ScrollPane.class);
        double content = ((Region) scroll.getContent()).getWidth();
        assertThat(content).as("page content in a viewport %s wide", scroll.getViewportBounds().getWidth())
                .isLessThanOrEqualTo(scroll.getViewportBounds().getWidth() + 1);
        assertThat(robot.lookup("#model-download").queryButton().isDisabled()).isFalse();
    }

    @Test
    void aRepoWithoutAGgufFileSaysSoAndNothingSpins() throws Exception {
        start();
        ModelPageViewModel page = open(NO_GGUF);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> page.state().get() != dev.karuku.app.discover.ModelPageState.LOADING);
        WaitForAsyncUtils.waitForFxEvents();
        Parent root = (Parent) robot.lookup("#model-page").query();
        assertThat(robot.from(root).lookup(".label").queryAllAs(Label.class)).extracting(Label::getText)
                .contains(new Messages(Locale.ENGLISH).get("model.noGguf"));
        assertThat(robot.from(root).lookup((Node n) -> n instanceof ProgressIndicator && !(n instanceof ProgressBar)).<Node>queryAll())
                .as("spinners left on the page").noneMatch(DiscoverScreenTest::shown);
    }

    /// A search that fails (here the Hub answers every request with an error at once) does not leave the list saying
    /// "Type to search the Hub." under a search the user typed: it says nothing could be fetched, and its Try again
    /// button asks the Hub again.
    @Test
    void aFailedSearchSaysNothingCouldBeFetchedAndTryAgainAsksTheHubAgain() throws Exception {
        hub = FakeHub.start();
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home, HubConfig.of(hub.endpoint() + "/no-hub-here", null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home")));
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(1280));
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        robot.interact(() -> app.shell().page().set(Page.DISCOVER));
        robot.clickOn("#discover-search").write("gemma").type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#discover-retry").tryQuery().isPresent()));
        Messages en = new Messages(Locale.ENGLISH);
        Parent list = robot.lookup("#discover-results").query();
        assertThat(robot.from(list).lookup(".label").queryAllAs(Label.class)).extracting(Label::getText)
                .contains(en.get("discover.failed")).doesNotContain(en.get("discover.empty"));
        int asked = hub.requests().size();
        robot.clickOn("#discover-retry");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> hub.requests().size() > asked
                && Waits.onFx(() -> robot.lookup("#discover-retry").tryQuery().isPresent()));
        assertThat(robot.lookup("#discover-search").queryAs(javafx.scene.control.TextField.class).getText()).isEqualTo("gemma");
    }

    /// A Hub that keeps failing is said to be failing after two retries (about 3 s), not after the five a download
    /// makes (23 s of "Searching…" while the user waits).
    @Test
    void aSearchTheHubKeepsFailingIsSaidToFailAfterTwoRetries() throws Exception {
        hub = FakeHub.start();
        hub.faults().serverError(1000, 503);
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home")));
        FxToolkit.setupApplication(() -> app);
        robot.interact(() -> app.shell().page().set(Page.DISCOVER));
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#discover-retry").tryQuery().isPresent()));
        assertThat(hub.requests().stream().filter(r -> r.path().startsWith("/api/models"))).as("searches asked of the Hub").hasSize(3);
        assertThat(robot.lookup(".bubble-error").queryAllAs(Label.class)).extracting(Label::getText)
                .contains(new Messages(Locale.ENGLISH).get("hub.error.server"));
    }

    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return n.getScene() != null;
    }

    static Color fill(Region r) {
        return (Color) r.getBackground().getFills().getLast().getFill();
    }

    /// WCAG's contrast ratio: 1 for the same colour, 21 for black on white; text wants 4.5, an icon 3.
    static double contrast(Color a, Color b) {
        double la = luminance(a), lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    static double luminance(Color c) {
        return 0.2126 * lin(c.getRed()) + 0.7152 * lin(c.getGreen()) + 0.0722 * lin(c.getBlue());
    }

    static double lin(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
