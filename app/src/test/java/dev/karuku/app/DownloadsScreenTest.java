package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.discover.ModelPageViewModel;
import dev.karuku.app.shell.Page;
import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.FakeRepo;
import dev.karuku.engine.hub.fake.TestRepos;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ProgressBar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// Downloads as a picky user saw them (issue 19): a quant already downloaded is not offered again on its model
/// page, finished rows can be cleared, and a failed download shows no full bar and no "Cancel".
class DownloadsScreenTest {
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;
    FakeRepo repo;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (hub != null) hub.close();
    }

    void start() throws Exception {
        hub = FakeHub.start();
        repo = TestRepos.addTinyRepo(hub, work);
        app = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        AppWindow.size(robot, 1280, 800);
    }

    ModelPageViewModel openTinyPage() throws Exception {
        robot.clickOn("#nav-discover");
        String rowId = "#discover-result-" + TestRepos.TINY.replaceAll("[^A-Za-z0-9]", "-");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup(rowId).tryQuery().isPresent()));
        robot.clickOn(robot.lookup(rowId).<Node>query());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#model-page").tryQuery().isPresent()));
        ModelPageViewModel page = (ModelPageViewModel) robot.lookup("#model-page").query().getUserData();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> page.stops().size() > 2 && page.stops().stream().allMatch(s -> s.ready()));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#model-stop-Q4_K_M").tryQuery().isPresent()));
        robot.clickOn("#model-stop-Q4_K_M");
        WaitForAsyncUtils.waitForFxEvents();
        return page;
    }

    @Test
    void aDownloadedQuantIsNotOfferedAgainAndItsFinishedRowCanBeCleared() throws Exception {
        start();
        openTinyPage();
        robot.clickOn("#model-download");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.downloads().rows().size() == 1
                && app.downloads().rows().getFirst().state() == DownloadJob.State.DONE));
        String id = app.downloads().rows().getFirst().id();

        robot.clickOn("#nav-discover");
        robot.clickOn("#model-back"); // the page left open in Discover, then opened again as a user would
        openTinyPage();
        Button download = robot.lookup("#model-download").queryButton();
        assertThat(download.getText()).isEqualTo("Q4_K_M is downloaded: it is in My Models");
        assertThat(download.isDisabled()).isTrue();
        robot.clickOn(download);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.downloadManager().jobs()).hasSize(1);
        assertThat(app.shell().page().get()).isEqualTo(Page.DISCOVER);

        robot.clickOn("#nav-downloads");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#download-clear-" + id).tryQuery().isPresent()));
        assertThat(robot.lookup("#download-clear-" + id).queryButton().getText()).isEqualTo("Clear");
        robot.clickOn("#download-clear-" + id);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.downloads().rows().isEmpty()));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.downloadManager().jobs().isEmpty());
        assertThat(app.models().models()).isNotEmpty(); // the model itself stays
    }

    @Test
    void aFailedDownloadShowsNoFullBarAndOffersRetryAndDiscard() throws Exception {
        start();
        repo.gated("auto"); // no token: the file request is refused
        HubClient client = new HubClient(HubConfig.of(hub.endpoint(), null));
        var q4 = GgufRepoFiles.group(client.tree(TestRepos.TINY, repo.sha())).find("Q4_K_M").orElseThrow();
        var job = app.downloadManager().enqueue(TestRepos.TINY, repo.sha(), q4);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.downloads().rows().size() == 1
                && app.downloads().rows().getFirst().state() == DownloadJob.State.FAILED));
        robot.clickOn("#nav-downloads");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#download-retry-" + job.id()).tryQuery().isPresent()));
        WaitForAsyncUtils.waitForFxEvents();

        Node row = robot.lookup("#download-" + job.id()).query();
        assertThat(robot.from(row).lookup(".progress-bar").queryAs(ProgressBar.class).isVisible()).isFalse();
        assertThat(robot.from(row).lookup(".button").queryAllAs(Button.class)).extracting(Button::getText)
                .containsExactly("Retry", "Discard");

        robot.clickOn("#download-discard-" + job.id());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.downloads().rows().getFirst().state() == DownloadJob.State.CANCELLED
                && robot.lookup("#download-clear-" + job.id()).tryQuery().isPresent()));
    }
}
