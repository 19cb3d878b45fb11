package dev.karuku.app.downloads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.Waits;
import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.download.DownloadOptions;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.FakeRepo;
import dev.karuku.engine.hub.fake.TestRepos;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Downloads without the toolkit: a real DownloadManager over the fake Hub; UI tasks queued by hand, so the test
/// sees how many reach the UI thread.
class DownloadsViewModelTest {
    @TempDir Path dir;
    @TempDir Path data;
    FakeHub hub;
    FakeRepo repo;
    DownloadManager manager;
    final List<Runnable> uiQueue = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger completed = new AtomicInteger();
    DownloadsViewModel vm;
    HubClient client;

    @BeforeEach
    void start() {
        hub = FakeHub.start();
        repo = TestRepos.addTinyRepo(hub, dir);
        client = new HubClient(HubConfig.of(hub.endpoint(), null));
        manager = new DownloadManager(client, new ModelLibrary(new KarukuPaths(data, data.resolve("models"))), DownloadOptions.defaults());
        manager.start();
        vm = new DownloadsViewModel(manager, Runnable::run, uiQueue::add, completed::incrementAndGet);
    }

    @AfterEach
    void stop() {
        manager.close();
        hub.close();
    }

    QuantChoice q4() throws Exception {
        var info = client.modelInfo(TestRepos.TINY);
        return GgufRepoFiles.group(client.tree(TestRepos.TINY, info.sha().orElseThrow())).find("Q4_K_M").orElseThrow();
    }

    void drainUi() {
        while (!uiQueue.isEmpty()) uiQueue.removeFirst().run();
    }

    @Test
    void aFinishedDownloadReachesTheUiInOneBatchAndRefreshesMyModels() throws Exception {
        DownloadJob job = manager.enqueue(TestRepos.TINY, repo.sha(), q4());
        assertThat(manager.await(job.id()).state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(uiQueue).as("every event since the first is coalesced into one pending UI task").hasSize(1);
        drainUi();
        assertThat(vm.rows()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(r.progress().get().fraction()).isEqualTo(1.0);
        });
        assertThat(completed).hasValue(1);
    }

    @Test
    void aFailureCarriesATranslatedReasonAndRetryFinishesIt() throws Exception {
        repo.gated("auto");
        DownloadJob job = manager.enqueue(TestRepos.TINY, repo.sha(), q4());
        DownloadJob failed = manager.await(job.id());
        drainUi();
        assertThat(failed.state()).isEqualTo(DownloadJob.State.FAILED);
        DownloadRow row = vm.rows().getFirst();
        assertThat(row.state()).isEqualTo(DownloadJob.State.FAILED);
        String key = row.job().get().errorKey();
        assertThat(key).isEqualTo("hub.error.gatedNeedsToken");
        assertThat(ResourceBundle.getBundle("dev.karuku.app.messages", java.util.Locale.ENGLISH).containsKey(key)).isTrue();
        assertThat(ResourceBundle.getBundle("dev.karuku.app.messages", java.util.Locale.JAPANESE).getString(key)).contains("トークン");

        repo.gated("false");
        vm.retry(row);
        Waits.until(Duration.ofSeconds(20), () -> manager.job(job.id()).orElseThrow().state().finished()
                && manager.job(job.id()).orElseThrow().state() != DownloadJob.State.FAILED);
        manager.await(job.id());
        drainUi();
        assertThat(row.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(completed).hasValue(1);
    }

    @Test
    void aTokenAddedLaterIsUsedByRetryWithoutARestart() throws Exception {
        repo.gated("manual").approve("hf_approved");
        Path own = dir.resolve("token-data"); // its own queue file: one manager at a time writes it
        ModelLibrary library = new ModelLibrary(new KarukuPaths(own, own.resolve("models")));
        HubClient shared = new HubClient(HubConfig.of(hub.endpoint(), null));
        DownloadManager manager = new DownloadManager(shared, library, DownloadOptions.defaults());
        manager.start();
        DownloadsViewModel page = new DownloadsViewModel(manager, Runnable::run, uiQueue::add, completed::incrementAndGet);
        try {
            DownloadJob job = manager.enqueue(TestRepos.TINY, repo.sha(), q4());
            assertThat(manager.await(job.id()).errorKey()).isEqualTo("hub.error.gatedNeedsToken");

            // the user pastes a token in Settings; the app hands it to the client the downloads share
            shared.useToken("hf_approved");
            drainUi();
            DownloadRow row = page.rows().stream().filter(r -> r.id().equals(job.id())).findFirst().orElseThrow();
            assertThat(row.state()).isEqualTo(DownloadJob.State.FAILED); // still failed, until Retry

            page.retry(row);
            Waits.until(Duration.ofSeconds(20), () -> manager.job(job.id()).orElseThrow().state().finished()
                    && manager.job(job.id()).orElseThrow().state() != DownloadJob.State.FAILED);
            assertThat(manager.await(job.id()).state()).isEqualTo(DownloadJob.State.DONE);
            drainUi();
            assertThat(row.state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(hub.requests()).anyMatch(r -> r.authorization() && r.path().contains("/resolve/"));
        } finally {
            page.dispose();
            manager.close();
        }
    }
}
