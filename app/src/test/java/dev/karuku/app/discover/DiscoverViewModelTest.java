package dev.karuku.app.discover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.Waits;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.ModelSummary;
import dev.karuku.engine.hub.SearchSort;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Discover without the toolkit, against the fake Hub on loopback.
class DiscoverViewModelTest {
    @TempDir Path dir;
    FakeHub hub;
    DiscoverViewModel vm;

    @BeforeEach
    void start() {
        hub = FakeHub.start();
        TestRepos.addTinyRepo(hub, dir);
        for (int i = 0; i < 35; i++) hub.addRepo("someone/Other-" + i + "-GGUF").downloads(i).likes(100 - i);
        HubClient client = new HubClient(HubConfig.of(hub.endpoint(), null));
        vm = new DiscoverViewModel(() -> client, Runnable::run, UiThread.direct());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    long searches() {
        return hub.requests().stream().filter(r -> r.path().equals("/api/models")).count();
    }

    @Test
    void typingSearchesOnceAfterThePause() throws Exception {
        vm.query().set("t");
        vm.query().set("ti");
        vm.query().set("tiny");
        Waits.until(Duration.ofSeconds(5), () -> vm.state().get() == DiscoverState.RESULTS);
        Thread.sleep(DiscoverViewModel.DEBOUNCE.toMillis() * 2);
        assertThat(searches()).isEqualTo(1);
        assertThat(vm.results()).extracting(ModelSummary::id).containsExactly(TestRepos.TINY);
    }

    @Test
    void sortingChangesTheOrderAndLoadMoreAppendsTheNextPage() {
        vm.query().set("other");
        vm.search();
        assertThat(vm.results()).hasSize(DiscoverViewModel.PAGE_SIZE);
        assertThat(vm.results().getFirst().id()).isEqualTo("someone/Other-34-GGUF"); // most downloads first
        assertThat(vm.canLoadMore().get()).isTrue();
        vm.loadMore();
        assertThat(vm.results()).hasSize(35).doesNotHaveDuplicates();
        assertThat(vm.canLoadMore().get()).isFalse();

        vm.sort().set(SearchSort.LIKES);
        assertThat(vm.results().getFirst().id()).isEqualTo("someone/Other-0-GGUF");
    }

    @Test
    void noMatchIsEmptyAndAnUnreachableHubIsANetworkErrorInTheUsersWords() {
        vm.query().set("nothing-like-this");
        vm.search();
        assertThat(vm.state().get()).isEqualTo(DiscoverState.EMPTY);

        DiscoverViewModel offline = new DiscoverViewModel(() -> new HubClient(HubConfig.of("http://127.0.0.1:9", null)),
                Runnable::run, UiThread.direct());
        offline.search();
        assertThat(offline.state().get()).isEqualTo(DiscoverState.ERROR);
        assertThat(offline.errorKey().get()).isEqualTo("hub.error.network");
    }
}
