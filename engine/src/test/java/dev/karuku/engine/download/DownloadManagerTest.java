package dev.karuku.engine.download;

import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.RepoFile;
import dev.karuku.engine.hub.RetryPolicy;
import dev.karuku.engine.hub.fake.FakeFile;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.RequestLog;
import dev.karuku.engine.hub.fake.TestRepos;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloadManagerTest {

    static final String BIG = "karuku-test/Big-GGUF";

    @TempDir
    Path tmp;
    FakeHub hub;
    KarukuPaths paths;
    HubClient client;
    DownloadOptions options;
    String commit;

    @BeforeEach
    void start() throws Exception {
        hub = FakeHub.start();
        TestRepos.addTinyRepo(hub, tmp.resolve("src"));
        hub.addRepo(BIG).addFile("Big-Q4_K_M.gguf", TestRepos.gguf(tmp.resolve("src/big.gguf"), "Q4_K_M", 4, 256, 64));
        paths = new KarukuPaths(tmp.resolve("data"), tmp.resolve("data/models"));
        client = new HubClient(HubConfig.of(hub.endpoint(), null), RetryPolicy.standard(d -> {}));
        options = DownloadOptions.defaults().withSleeper(d -> {}).withDisk(DiskSpace.FILE_STORE, 0);
        commit = hub.repo(TestRepos.TINY).sha();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    DownloadManager manager() {
        DownloadManager m = new DownloadManager(client, new ModelLibrary(paths), options);
        m.start();
        return m;
    }

    QuantChoice choice(String repo, String label) throws Exception {
        return GgufRepoFiles.group(client.tree(repo, hub.repo(repo).sha())).find(label).orElseThrow();
    }

    DownloadJob download(String repo, String label) throws Exception {
        try (DownloadManager m = manager()) {
            DownloadJob j = m.enqueue(repo, hub.repo(repo).sha(), choice(repo, label));
            return m.await(j.id());
        }
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    List<Path> filesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void downloadedModelIsVerifiedInstalledAndListed() throws Exception {
        DownloadJob j = download(TestRepos.TINY, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        InstalledModel m = new ModelLibrary(paths).find(j.modelId()).orElseThrow();
        FakeFile src = hub.repo(TestRepos.TINY).file("Tiny-Chat-Q4_K_M.gguf");
        assertThat(m.primaryFile()).isEqualTo(paths.modelsDir().resolve(TestRepos.TINY).resolve("Tiny-Chat-Q4_K_M.gguf").toAbsolutePath());
        assertThat(sha256(m.primaryFile())).isEqualTo(src.sha256());
        assertThat(m.facts().architecture()).isEqualTo("llama");
        assertThat(m.facts().fileType()).isEqualTo("Q4_K_M");
        assertThat(m.facts().blockCount()).isEqualTo(4);
        assertThat(m.source().commit()).isEqualTo(commit);
        assertThat(filesUnder(paths.downloadStaging())).isEmpty();
        assertThat(hub.requests()).filteredOn(r -> r.path().contains("/resolve/")).allMatch(r -> r.path().contains(commit));
    }

    @Test
    void connectionCutMidFileResumesWithoutFetchingBytesTwice() throws Exception {
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        hub.faults().cutAfter(300_000, 1);
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
        assertThat(hub.cdnBytesServed()).isEqualTo(f.size());
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).extracting(RequestLog::range).contains("bytes=300000-");
    }

    @Test
    void connectionThatGoesSilentIsDroppedAndContinuedFromWhereItStopped() throws Exception {
        options = options.withStallTimeout(Duration.ofMillis(400));
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        hub.faults().stallAfter(250_000, 1); // silent until the hub stops: without the watch the download never ends
        DownloadJob j = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> download(BIG, "Q4_K_M"));
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).extracting(RequestLog::range).contains("bytes=250000-");
    }

    @Test
    void serverIgnoringRangeRestartsFromZeroAndStillVerifies() throws Exception {
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        hub.faults().cutAfter(200_000, 1).ignoreRange(1);
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
        assertThat(hub.cdnBytesServed()).isEqualTo(200_000 + f.size());
    }

    @Test
    void shortBodyIsCompletedByAnotherRangeRequest() throws Exception {
        hub.faults().shortBody(1);
        assertThat(download(BIG, "Q4_K_M").state()).isEqualTo(DownloadJob.State.DONE);
    }

    @Test
    void corruptedByteFailsTheChecksumAndLeavesNothingBehind() throws Exception {
        hub.faults().corruptByte(1000, 1);
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.FAILED);
        assertThat(j.errorKey()).isEqualTo("download.error.checksum");
        assertThat(j.error()).contains("damaged");
        assertThat(new ModelLibrary(paths).list()).isEmpty();
        assertThat(filesUnder(paths.modelsDir())).isEmpty();
    }

    @Test
    void expiredCdnLinkIsResolvedAgain() throws Exception {
        hub.faults().expireUrls(1);
        DownloadJob j = download(TestRepos.TINY, "IQ3_S");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).extracting(RequestLog::status).startsWith(403);
        assertThat(hub.requests()).filteredOn(r -> r.path().contains("/resolve/")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void tokenReachesTheHubButNeverTheCdn() throws Exception {
        hub.repo(BIG).gated("auto").approve("hf_approved");
        client = new HubClient(HubConfig.of(hub.endpoint(), "hf_approved"), RetryPolicy.standard(d -> {}));
        assertThat(download(BIG, "Q4_K_M").state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(hub.tokenLeaks()).isZero();
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).isNotEmpty().noneMatch(RequestLog::authorization);
    }

    @Test
    void gatedDownloadWithoutTokenFailsWithTheLicenceMessage() throws Exception {
        hub.repo(BIG).gated("manual");
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.FAILED);
        assertThat(j.errorKey()).isEqualTo("hub.error.gatedNeedsToken");
        assertThat(j.error()).startsWith("This model is gated: accept its licence on the Hub and add your token");
    }

    @Test
    void splitModelIsInstalledOnlyWithAllShards() throws Exception {
        DownloadJob j = download(TestRepos.TINY, "BF16");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        InstalledModel m = new ModelLibrary(paths).find(j.modelId()).orElseThrow();
        assertThat(m.files()).hasSize(2);
        assertThat(m.files().get(0).getFileName().toString()).endsWith("-00001-of-00002.gguf");
        assertThat(m.facts().parameters()).isEqualTo(12L * 32 * 32);
        assertThat(m.sizeBytes()).isEqualTo(choice(TestRepos.TINY, "BF16").totalBytes());
    }

    @Test
    void segmentedDownloadUsesSeveralConnectionsAndVerifies() throws Exception {
        options = options.withSegments(64 * 1024, 4);
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        hub.faults().cutAfter(50_000, 1);
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).extracting(RequestLog::range)
                .filteredOn(r -> r != null && !r.startsWith("bytes=0-")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(hub.cdnBytesServed()).isEqualTo(f.size());
    }

    @Test
    void segmentedDownloadFallsBackToOneStreamWhenRangeIsIgnored() throws Exception {
        options = options.withSegments(64 * 1024, 4);
        hub.faults().ignoreRange(4);
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
    }

    @Test
    void notEnoughFreeSpaceRefusesBeforeDownloading() throws Exception {
        options = options.withDisk(dir -> 100_000, 0);
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.FAILED);
        assertThat(j.errorKey()).isEqualTo("download.error.diskFull");
        assertThat(j.error()).contains("Not enough free disk space").contains("free");
        assertThat(hub.cdnBytesServed()).isZero();
    }

    @Test
    void diskFillingUpMidDownloadKeepsThePartialForLaterAndInstallsNothing() throws Exception {
        // simulated full disk: the .part channel refuses writes past 400 000 bytes
        options = options.withPartFiles(p -> new FillingChannel(PartFiles.DEFAULT.open(p), 400_000));
        DownloadJob j = download(BIG, "Q4_K_M");
        assertThat(j.state()).isEqualTo(DownloadJob.State.FAILED);
        assertThat(j.errorKey()).isEqualTo("download.error.diskFull");
        assertThat(new ModelLibrary(paths).list()).isEmpty();
        assertThat(filesUnder(paths.downloadStaging())).anySatisfy(p -> assertThat(p.toString()).endsWith(".part"));

        options = options.withPartFiles(PartFiles.DEFAULT);
        long before = hub.cdnBytesServed();
        try (DownloadManager m = manager()) {
            m.resume(j.id());
            assertThat(m.await(j.id()).state()).isEqualTo(DownloadJob.State.DONE);
        }
        assertThat(hub.cdnBytesServed() - before).isLessThan(hub.repo(BIG).file("Big-Q4_K_M.gguf").size());
    }

    @Test
    void unsafeFileNamesAreRefused() {
        DownloadManager m = manager();
        for (String bad : List.of("../evil.gguf", "/etc/passwd", "a\\b.gguf", "C:/x.gguf", "a/../../b.gguf", "a//b.gguf")) {
            assertThatThrownBy(() -> m.enqueue(BIG, "main", "Q4_K_M", List.of(new RepoFile(bad, 10, Optional.empty(), Optional.empty()))))
                    .as(bad).isInstanceOfSatisfying(DownloadException.class,
                            e -> assertThat(e.reason()).isEqualTo(DownloadException.Reason.UNSAFE_PATH));
        }
        m.close();
    }

    @Test
    void newManagerOverTheSameDataFolderContinuesAfterRestart() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        DownloadManager first = manager();
        DownloadJob j = first.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
        while (first.job(j.id()).orElseThrow().bytesDone() < 250_000) Thread.sleep(20);
        first.close();
        assertThat(first.job(j.id()).orElseThrow().state()).isEqualTo(DownloadJob.State.RUNNING);
        hub.faults().cdnBytesPerSecond(0);

        try (DownloadManager second = manager()) {
            assertThat(second.await(j.id()).state()).isEqualTo(DownloadJob.State.DONE);
        }
        assertThat(sha256(new ModelLibrary(paths).find(j.modelId() == null ? BIG + ":Q4_K_M" : j.modelId()).orElseThrow().primaryFile()))
                .isEqualTo(f.sha256());
        List<String> ranges = hub.requests().stream().filter(RequestLog::cdn).map(RequestLog::range).toList();
        assertThat(ranges.getLast()).matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
    }

    @Test
    void pauseKeepsTheBytesAndResumeFinishes() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        try (DownloadManager m = manager()) {
            List<DownloadProgress> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            m.addListener(new DownloadListener() {
                @Override
                public void progress(String id, DownloadProgress p) {
                    events.add(p);
                }
            });
            DownloadJob j = m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            while (m.job(j.id()).orElseThrow().bytesDone() < 200_000) Thread.sleep(20);
            m.pause(j.id());
            DownloadJob paused = m.await(j.id());
            assertThat(paused.state()).isEqualTo(DownloadJob.State.PAUSED);
            assertThat(paused.bytesDone()).isGreaterThan(0);
            hub.faults().cdnBytesPerSecond(0);
            m.resume(j.id());
            assertThat(m.await(j.id()).state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(events).isNotEmpty().allSatisfy(p -> assertThat(p.totalBytes()).isEqualTo(paused.totalBytes()));
            assertThat(events).anySatisfy(p -> assertThat(p.bytesPerSecond()).isPositive());
        }
    }

    // One queue for every Karuku process (issue 17): a manager that is not started stands for `karuku pull`.

    DownloadManager unstarted() {
        return new DownloadManager(client, new ModelLibrary(paths), options);
    }

    List<DownloadJob> savedQueue() {
        return DownloadQueue.load(paths.downloadQueue());
    }

    @Test
    void askingAgainForAnUnfinishedQuantContinuesItsJobFromTheBytesOnDisk() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        DownloadManager first = unstarted();
        DownloadJob j = first.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
        while (first.job(j.id()).orElseThrow().bytesDone() < 250_000) Thread.sleep(20);
        first.close(); // the process stops mid-download (kill -9 is LauncherIT's)
        hub.faults().cdnBytesPerSecond(0);
        long before = hub.cdnBytesServed();

        try (DownloadManager second = unstarted()) {
            DownloadJob again = second.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            assertThat(again.id()).isEqualTo(j.id());
            DownloadJob end = second.await(again.id());
            assertThat(end.state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(sha256(new ModelLibrary(paths).find(end.modelId()).orElseThrow().primaryFile())).isEqualTo(f.sha256());
        }
        assertThat(hub.cdnBytesServed() - before).isLessThanOrEqualTo(f.size() - 250_000);
        assertThat(hub.requests()).filteredOn(RequestLog::cdn).extracting(RequestLog::range).last().asString()
                .matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
        assertThat(savedQueue()).hasSize(1);
        assertThat(filesUnder(paths.downloadStaging())).noneMatch(p -> p.toString().endsWith(".part"));
    }

    @Test
    void theSameQuantIsNeverQueuedTwice() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        try (DownloadManager m = manager()) {
            DownloadJob a = m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            DownloadJob b = m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            assertThat(b.id()).isEqualTo(a.id());
            assertThat(m.jobs()).hasSize(1);
            hub.faults().cdnBytesPerSecond(0);
            assertThat(m.await(a.id()).state()).isEqualTo(DownloadJob.State.DONE);
        }
        assertThat(hub.cdnBytesServed()).isEqualTo(hub.repo(BIG).file("Big-Q4_K_M.gguf").size());
    }

    @Test
    void savingTheQueueKeepsTheJobsOfAnotherProcess() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        try (DownloadManager app = manager()) {
            DownloadJob paused = app.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            while (app.job(paused.id()).orElseThrow().bytesDone() < 100_000) Thread.sleep(20);
            app.pause(paused.id());
            assertThat(app.await(paused.id()).state()).isEqualTo(DownloadJob.State.PAUSED);
            hub.faults().cdnBytesPerSecond(0);

            DownloadJob pulled;
            try (DownloadManager pull = unstarted()) {
                pulled = pull.await(pull.enqueue(TestRepos.TINY, commit, choice(TestRepos.TINY, "Q8_0")).id());
                assertThat(pulled.state()).isEqualTo(DownloadJob.State.DONE);
            }
            assertThat(savedQueue()).extracting(DownloadJob::id, DownloadJob::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(paused.id(), DownloadJob.State.PAUSED),
                    org.assertj.core.groups.Tuple.tuple(pulled.id(), DownloadJob.State.DONE));
            app.resume(paused.id());
            assertThat(app.await(paused.id()).state()).isEqualTo(DownloadJob.State.DONE);
        }
        assertThat(savedQueue()).extracting(DownloadJob::state).containsOnly(DownloadJob.State.DONE);
    }

    @Test
    void twoProcessesDownloadingOneQuantShareOneJobAndOnePartFile() throws Exception {
        hub.faults().cdnBytesPerSecond(600_000);
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        try (DownloadManager app = manager(); DownloadManager pull = unstarted()) {
            DownloadJob a = app.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            while (app.job(a.id()).orElseThrow().bytesDone() < 100_000) Thread.sleep(20);
            DownloadJob b = pull.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            assertThat(b.id()).isEqualTo(a.id());
            DownloadJob pulled = pull.await(b.id()); // waits for the app's download, then finds it installed
            assertThat(app.await(a.id()).state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(pulled.state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(pulled.modelId()).isNotNull();
        }
        assertThat(hub.cdnBytesServed()).as("each byte fetched once, by one process").isEqualTo(f.size());
        assertThat(sha256(paths.modelsDir().resolve(BIG).resolve("Big-Q4_K_M.gguf"))).isEqualTo(f.sha256());
        assertThat(savedQueue()).hasSize(1);
    }

    @Test
    void stagingFoldersOfFinishedCancelledAndForgottenJobsAreRemoved() throws Exception {
        hub.faults().cdnBytesPerSecond(400_000);
        DownloadJob failed;
        try (DownloadManager m = manager()) {
            DownloadJob c = m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            while (m.job(c.id()).orElseThrow().bytesDone() < 100_000) Thread.sleep(20);
            m.pause(c.id());
            m.await(c.id());
            hub.faults().cdnBytesPerSecond(0);
            hub.faults().corruptByte(10, 1);
            failed = m.await(m.enqueue(TestRepos.TINY, commit, choice(TestRepos.TINY, "Q8_0")).id());
            assertThat(failed.state()).isEqualTo(DownloadJob.State.FAILED);
        }
        // an older Karuku's job that never made it into the queue, with its partial file
        Path orphan = Files.createDirectories(paths.downloadStaging().resolve("0ld0b5ed"));
        Files.write(orphan.resolve("Model-Q4_K_M.gguf.part"), new byte[1000]);
        Path pausedPart;
        try (DownloadManager m = unstarted()) {
            m.start();
            DownloadJob paused = m.jobs().stream().filter(j -> j.state() == DownloadJob.State.PAUSED).findFirst().orElseThrow();
            pausedPart = paths.downloadStaging().resolve(paused.id()).resolve("Big-Q4_K_M.gguf.part");
            assertThat(orphan).doesNotExist();
            assertThat(pausedPart).exists();
            m.cancel(paused.id());
            m.cancel(failed.id());
        }
        assertThat(pausedPart).doesNotExist();
        assertThat(filesUnder(paths.downloadStaging())).isEmpty();
    }

    @Test
    void freeSpaceCheckCountsWhatTheJobsQueuedBeforeStillNeed() throws Exception {
        java.util.concurrent.atomic.AtomicLong free = new java.util.concurrent.atomic.AtomicLong(100_000_000);
        options = options.withDisk(dir -> free.get(), 0);
        hub.faults().cdnBytesPerSecond(400_000);
        try (DownloadManager m = manager()) {
            DownloadJob big = m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M"));
            while (m.job(big.id()).orElseThrow().bytesDone() < 100_000) Thread.sleep(20);
            m.pause(big.id());
            assertThat(m.await(big.id()).state()).isEqualTo(DownloadJob.State.PAUSED);
            hub.faults().cdnBytesPerSecond(0);
            free.set(300_000); // enough for the small model alone, not for it and the rest of the paused one
            DownloadJob small = m.await(m.enqueue(TestRepos.TINY, commit, choice(TestRepos.TINY, "Q8_0")).id());
            assertThat(small.state()).isEqualTo(DownloadJob.State.FAILED);
            assertThat(small.errorKey()).isEqualTo("download.error.diskFull");
        }
    }

    @Test
    void aVerifiedDownloadIsKeptWhenRegisteringItFailsAndRetryRegistersItWithoutFetchingAgain() throws Exception {
        Path index = paths.modelIndex();
        Files.createDirectories(index.resolve("blocked")); // models.json cannot be replaced: registering fails
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        Path installed = paths.modelsDir().resolve(BIG).resolve("Big-Q4_K_M.gguf");
        try (DownloadManager m = manager()) {
            DownloadJob j = m.await(m.enqueue(BIG, hub.repo(BIG).sha(), choice(BIG, "Q4_K_M")).id());
            assertThat(j.state()).isEqualTo(DownloadJob.State.FAILED);
            assertThat(installed).exists();
            assertThat(sha256(installed)).isEqualTo(f.sha256());

            Files.delete(index.resolve("blocked"));
            Files.delete(index);
            long served = hub.cdnBytesServed();
            m.resume(j.id());
            DownloadJob retried = m.await(j.id());
            assertThat(retried.state()).isEqualTo(DownloadJob.State.DONE);
            assertThat(hub.cdnBytesServed()).isEqualTo(served);
            assertThat(new ModelLibrary(paths).find(retried.modelId()).orElseThrow().primaryFile()).isEqualTo(installed.toAbsolutePath());
        }
    }

    @Test
    void aFailedReDownloadLeavesTheWorkingCopyInPlace() throws Exception {
        FakeFile f = hub.repo(BIG).file("Big-Q4_K_M.gguf");
        assertThat(download(BIG, "Q4_K_M").state()).isEqualTo(DownloadJob.State.DONE);
        Path installed = paths.modelsDir().resolve(BIG).resolve("Big-Q4_K_M.gguf");
        Path index = paths.modelIndex();
        Path saved = Files.move(index, tmp.resolve("models.json.saved"));
        Files.createDirectories(index.resolve("blocked"));
        assertThat(download(BIG, "Q4_K_M").state()).isEqualTo(DownloadJob.State.FAILED);
        assertThat(installed).exists();
        assertThat(sha256(installed)).isEqualTo(f.sha256());
        Files.delete(index.resolve("blocked"));
        Files.delete(index);
        Files.move(saved, index);
        assertThat(new ModelLibrary(paths).list()).singleElement().satisfies(m -> assertThat(m.primaryFile()).exists());
    }
}
