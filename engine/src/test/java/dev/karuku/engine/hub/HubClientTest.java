package dev.karuku.engine.hub;

import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubClientTest {

    @TempDir
    Path dir;
    FakeHub hub;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        hub = FakeHub.start();
        TestRepos.addTinyRepo(hub, dir);
        for (int i = 0; i < 7; i++) {
            hub.addRepo("org" + i + "/Model-" + i + "-GGUF").downloads(100 * i).likes(70 - 10 * i)
                    .lastModified(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86400L * i))
                    .addFile("m-Q4_K_M.gguf", new byte[]{1, 2, 3});
        }
        hub.addRepo("other/safetensors-only").downloads(999_999).untagged();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubClient client(String token) {
        return new HubClient(HubConfig.of(hub.endpoint(), token), RetryPolicy.standard(sleeps::add));
    }

    @Test
    void searchFollowsNextLinksUntilTheLastPage() throws Exception {
        HubClient c = client(null);
        SearchPage page = c.search(new SearchQuery("gguf", SearchSort.DOWNLOADS, 3));
        List<String> ids = new ArrayList<>();
        int pages = 1;
        ids.addAll(page.models().stream().map(ModelSummary::id).toList());
        while (page.hasNext()) {
            page = c.next(page);
            pages++;
            ids.addAll(page.models().stream().map(ModelSummary::id).toList());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).hasSize(8).doesNotHaveDuplicates().doesNotContain("other/safetensors-only");
        assertThat(ids.getFirst()).isEqualTo(TestRepos.TINY);
        assertThat(ids.get(1)).isEqualTo("org6/Model-6-GGUF");
        assertThat(hub.requests()).filteredOn(r -> r.path().equals("/api/models"))
                .allSatisfy(r -> assertThat(r.query()).contains("filter=gguf").contains("sort=downloads"));
    }

    @Test
    void searchSortsByLikesAndByLastModified() throws Exception {
        HubClient c = client(null);
        assertThat(c.search(new SearchQuery("Model", SearchSort.LIKES, 2)).models())
                .extracting(ModelSummary::id).containsExactly("org0/Model-0-GGUF", "org1/Model-1-GGUF");
        SearchPage updated = c.search(new SearchQuery("Model", SearchSort.UPDATED, 1));
        assertThat(updated.models().getFirst().id()).isEqualTo("org6/Model-6-GGUF");
        assertThat(updated.models().getFirst().lastModified()).contains(Instant.parse("2025-01-07T00:00:00Z"));
        assertThat(updated.models().getFirst().likes()).isEqualTo(10);
    }

    @Test
    void nextLinkToAnotherOriginIsRefused() throws Exception {
        hub.faults().foreignNextLink("http://evil.example");
        hub.acceptToken("hf_secret");
        HubException e = org.junit.jupiter.api.Assertions.assertThrows(HubException.class,
                () -> client("hf_secret").search(new SearchQuery("", SearchSort.DOWNLOADS, 2)));
        assertThat(e.reason()).isEqualTo(HubException.Reason.UNSAFE_REDIRECT);
        assertThat(e.getMessage()).doesNotContain("hf_secret");
    }

    @Test
    void modelInfoPinsTheCommitAndTheTreeIsReadAcrossPages() throws Exception {
        HubClient c = client(null);
        ModelInfo info = c.modelInfo(TestRepos.TINY);
        assertThat(info.sha()).contains(hub.repo(TestRepos.TINY).sha());
        assertThat(info.gated()).isEqualTo(Gated.NO);
        assertThat(info.license()).contains("apache-2.0");
        assertThat(info.ggufSummary().flatMap(ModelInfo.GgufSummary::architecture)).contains("llama");
        RepoFile q4 = info.siblings().stream().filter(f -> f.path().equals("Tiny-Chat-Q4_K_M.gguf")).findFirst().orElseThrow();
        assertThat(q4.sha256()).contains(hub.repo(TestRepos.TINY).file("Tiny-Chat-Q4_K_M.gguf").sha256());

        List<RepoFile> tree = c.tree(TestRepos.TINY, info.sha().orElseThrow());
        assertThat(tree).extracting(RepoFile::path).contains("BF16/Tiny-Chat-BF16-00002-of-00002.gguf", "README.md")
                .hasSize(10);
        assertThat(hub.requests()).filteredOn(r -> r.path().contains("/tree/")).hasSizeGreaterThan(3);
        assertThat(tree).filteredOn(f -> f.path().equals("README.md")).singleElement()
                .satisfies(f -> assertThat(f.sha256()).isEmpty());
        assertThat(c.refs(TestRepos.TINY).main()).isEqualTo(info.sha());
        assertThat(c.readme(TestRepos.TINY, info.sha().get())).hasValueSatisfying(t -> assertThat(t).contains("# Tiny Chat"));
    }

    @Test
    void gatedRepoExplainsWhatToDoWithAndWithoutToken() throws Exception {
        hub.repo(TestRepos.TINY).gated("manual").approve("hf_good");
        hub.acceptToken("hf_other");
        assertThat(client(null).authCheck(TestRepos.TINY)).isEqualTo(Access.GATED_NEEDS_TOKEN);
        assertThat(client("hf_other").authCheck(TestRepos.TINY)).isEqualTo(Access.GATED_NOT_APPROVED);
        assertThat(client("hf_good").authCheck(TestRepos.TINY)).isEqualTo(Access.GRANTED);
        assertThat(client(null).modelInfo(TestRepos.TINY).gated()).isEqualTo(Gated.MANUAL);

        assertThatThrownBy(() -> client(null).resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.GATED_NEEDS_TOKEN);
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).startsWith("This model is gated: accept its licence on the Hub and add your token");
                });
        assertThatThrownBy(() -> client("hf_other").resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.GATED_NOT_APPROVED);
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("your token has no access yet").doesNotContain("hf_other");
                });
        assertThat(client("hf_good").resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf").size()).isPositive();
    }

    @Test
    void aTokenGivenToARunningClientServesItsNextRequestAndBlankGoesBackToTheFirst() throws Exception {
        hub.repo(TestRepos.TINY).gated("manual").approve("hf_good");
        HubClient c = client(null);
        assertThat(c.authCheck(TestRepos.TINY)).isEqualTo(Access.GATED_NEEDS_TOKEN);

        c.useToken("  hf_good\n");
        assertThat(c.authCheck(TestRepos.TINY)).isEqualTo(Access.GRANTED);
        assertThat(c.resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf").size()).isPositive();
        assertThat(c.config().toString()).doesNotContain("hf_good");

        c.useToken("");
        assertThat(c.authCheck(TestRepos.TINY)).isEqualTo(Access.GATED_NEEDS_TOKEN);
    }

    @Test
    void hfHubOfflineMeansNoRequestAtAllAndAClearReason() {
        HubConfig env = HubConfig.fromEnvironment(java.util.Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_OFFLINE", "1"),
                java.nio.file.Path.of("/nonexistent-home"));
        assertThat(env.offline()).isTrue();
        assertThat(env.withToken("hf_x").offline()).isTrue();
        assertThat(HubConfig.fromEnvironment(java.util.Map.of("HF_HUB_OFFLINE", "0"), java.nio.file.Path.of("/h")).offline()).isFalse();
        int before = hub.requests().size();
        assertThatThrownBy(() -> new HubClient(env).search(SearchQuery.of("tiny")))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.OFFLINE);
                    assertThat(e.transientFailure()).isFalse();
                    assertThat(e.getMessage()).contains("HF_HUB_OFFLINE");
                });
        assertThat(hub.requests()).hasSize(before);
    }

    @Test
    void invalidTokenIsReportedAsSuch() {
        assertThatThrownBy(() -> client("hf_unknown").modelInfo(TestRepos.TINY))
                .isInstanceOfSatisfying(HubException.class, e ->
                        assertThat(e.reason()).isEqualTo(HubException.Reason.INVALID_TOKEN));
    }

    @Test
    void eachNotFoundCodeBecomesItsOwnMessage() {
        HubClient c = client(null);
        assertThatThrownBy(() -> c.modelInfo("nobody/nothing-GGUF")).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.reason()).isEqualTo(HubException.Reason.REPO_NOT_FOUND);
            assertThat(e.reason().messageKey()).isEqualTo("hub.error.repoNotFound");
            assertThat(e.getMessage()).contains("does not exist on the Hub").contains("nobody/nothing-GGUF");
        });
        assertThatThrownBy(() -> c.modelInfo(TestRepos.TINY, "v9")).isInstanceOfSatisfying(HubException.class, e ->
                assertThat(e.reason()).isEqualTo(HubException.Reason.REVISION_NOT_FOUND));
        assertThatThrownBy(() -> c.resolve(TestRepos.TINY, "main", "nope.gguf")).isInstanceOfSatisfying(HubException.class, e -> {
            assertThat(e.reason()).isEqualTo(HubException.Reason.ENTRY_NOT_FOUND);
            assertThat(e.getMessage()).contains("This file does not exist");
        });
        hub.repo(TestRepos.TINY).disabled();
        assertThatThrownBy(() -> c.resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf"))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.DISABLED));
        assertThat(sleeps).as("4xx answers are not retried").isEmpty();
    }

    @Test
    void rateLimitWaitsWhatTheHubAsksThenSucceeds() throws Exception {
        hub.faults().rateLimit(2, 7);
        ModelInfo info = client(null).modelInfo(TestRepos.TINY);
        assertThat(info.id()).isEqualTo(TestRepos.TINY);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(8), Duration.ofSeconds(8));
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndThenGiveUp() throws Exception {
        hub.faults().serverError(2, 503);
        assertThat(client(null).search(SearchQuery.of("Tiny")).models()).hasSize(1);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));

        sleeps.clear();
        hub.faults().serverError(10, 500);
        assertThatThrownBy(() -> client(null).search(SearchQuery.of("Tiny"))).isInstanceOfSatisfying(HubException.class,
                e -> assertThat(e.reason()).isEqualTo(HubException.Reason.SERVER_ERROR));
        assertThat(sleeps).hasSize(5);
        hub.faults().serverError(0, 500);
    }

    @Test
    void resolveStopsAtTheCdnAndIgnoresXetHeaders() throws Exception {
        hub.faults().xetHeaders(true);
        HubClient c = client(null);
        String sha = hub.repo(TestRepos.TINY).sha();
        ResolvedFile lfs = c.resolve(TestRepos.TINY, sha, "Tiny-Chat-Q4_K_M.gguf");
        assertThat(lfs.location().toString()).startsWith(hub.cdnOrigin() + "/cdn/");
        assertThat(lfs.etag()).contains(hub.repo(TestRepos.TINY).file("Tiny-Chat-Q4_K_M.gguf").sha256());
        assertThat(lfs.commit()).contains(sha);
        assertThat(lfs.size()).isEqualTo(hub.repo(TestRepos.TINY).file("Tiny-Chat-Q4_K_M.gguf").size());
        ResolvedFile small = c.resolve(TestRepos.TINY, sha, "README.md");
        assertThat(small.location().toString()).startsWith(hub.endpoint());
        assertThat(small.etag()).contains(hub.repo(TestRepos.TINY).file("README.md").gitSha1());
    }

    @Test
    void tokenGoesToTheHubButNeverToTheCdn() throws Exception {
        hub.acceptToken("hf_secret");
        HubClient c = client("hf_secret");
        ResolvedFile f = c.resolve(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf");
        try (HubResponse r = c.openRange(f.location(), 0, 99)) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.readAll()).hasSize(100);
        }
        // following the Hub's redirect in one request strips the token too
        try (HubResponse r = c.openRange(c.resolveUrl(TestRepos.TINY, "main", "Tiny-Chat-Q4_K_M.gguf"), 10, 19)) {
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.header("Content-Range")).startsWith("bytes 10-19/");
        }
        assertThat(hub.tokenLeaks()).isZero();
        assertThat(hub.requests()).filteredOn(r -> !r.cdn()).allMatch(r -> r.authorization());
        assertThat(hub.requests()).filteredOn(r -> r.cdn()).hasSize(2).noneMatch(r -> r.authorization());
    }

    @Test
    void configReadsTokenFromEnvironmentAndFileAndHidesIt(@TempDir Path home) throws Exception {
        java.nio.file.Files.createDirectories(home.resolve(".cache/huggingface"));
        java.nio.file.Files.writeString(home.resolve(".cache/huggingface/token"), "hf_fromfile\n");
        assertThat(HubConfig.fromEnvironment(java.util.Map.of(), home).token()).contains("hf_fromfile");
        assertThat(HubConfig.fromEnvironment(java.util.Map.of("HUGGING_FACE_HUB_TOKEN", "hf_legacy"), home).token()).contains("hf_legacy");
        HubConfig c = HubConfig.fromEnvironment(java.util.Map.of("HF_TOKEN", "hf_env", "HUGGING_FACE_HUB_TOKEN", "hf_legacy",
                "HF_ENDPOINT", "http://127.0.0.1:9/"), home);
        assertThat(c.token()).contains("hf_env");
        assertThat(c.endpoint().toString()).isEqualTo("http://127.0.0.1:9");
        assertThat(c.toString()).doesNotContain("hf_env");
        assertThat(c.withToken("hf_settings").token()).contains("hf_settings");
    }

    HubClient clientWithTimeout(Duration timeout) {
        return new HubClient(new HubConfig(java.net.URI.create(hub.endpoint()), java.util.Optional.empty(), timeout),
                RetryPolicy.standard(sleeps::add));
    }

    @Test
    void anAnswerThatStopsAfterItsHeadersIsGivenUpOnAndAskedForAgain() throws Exception {
        HubClient c = clientWithTimeout(Duration.ofMillis(300));
        hub.faults().stallApiBody(1);
        assertThat(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> c.search(new SearchQuery("Tiny", SearchSort.DOWNLOADS, 5))).models()).extracting(ModelSummary::id).contains(TestRepos.TINY);

        hub.faults().stallApiBody(100);
        long start = System.nanoTime();
        assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> c.modelInfo(TestRepos.TINY)))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK))
                .hasMessageContaining("no data from the server");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void anAnswerLargerThanTheCapIsRefusedWithoutReadingItAll() {
        HubClient c = client(null);
        hub.faults().endlessApiBody(1);
        assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> c.search(new SearchQuery("Tiny", SearchSort.DOWNLOADS, 5))))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.BAD_RESPONSE))
                .hasMessageContaining("larger than 32 MiB");
        assertThat(hub.faults().endlessBytesSent()).isLessThan(48L << 20);
    }

    @Test
    void aHugeModelCardIsCutAtFourMebibytes() throws Exception {
        hub.repo(TestRepos.TINY).addFile("README.md", "# Tiny Chat\n" + "x".repeat(6 << 20));
        HubClient c = client(null);
        String card = c.readme(TestRepos.TINY, hub.repo(TestRepos.TINY).sha()).orElseThrow();
        assertThat(card).startsWith("# Tiny Chat").hasSize(4 << 20);
    }
}
