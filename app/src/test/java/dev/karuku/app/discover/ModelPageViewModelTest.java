package dev.karuku.app.discover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.RequestLog;
import dev.karuku.engine.hub.fake.TestRepos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The model page without the toolkit, against the fake Hub: every stop ends with an estimate or its own error,
/// and a page opened again reuses the headers it has read.
class ModelPageViewModelTest {
    @TempDir Path dir;
    FakeHub hub;
    HubClient client;
    final HeaderCache cache = new HeaderCache();
    final Hardware pc = Hardware.cpuOnly(16L << 30, 12L << 30, 4);

    @BeforeEach
    void start() {
        hub = FakeHub.start();
        client = new HubClient(HubConfig.of(hub.endpoint(), null));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    ModelPageViewModel open(String repo) {
        var vm = new ModelPageViewModel(repo, () -> client, () -> pc, EstimateOptions.defaults(),
                (r, c, q) -> {}, cache, Runnable::run, UiThread.direct());
        vm.open();
        return vm;
    }

    @Test
    void theSpeedOnEachStopComesFromThisMachinesMeasuredMemorySpeed() {
        TestRepos.addTinyRepo(hub, dir);
        var slow = new ModelPageViewModel(TestRepos.TINY, () -> client, () -> pc, EstimateOptions.defaults(),
                (r, c, q) -> {}, cache, Runnable::run, UiThread.direct(), () -> 10e9);
        slow.open();
        var fast = new ModelPageViewModel(TestRepos.TINY, () -> client, () -> pc, EstimateOptions.defaults(),
                (r, c, q) -> {}, cache, Runnable::run, UiThread.direct(), () -> 30e9);
        fast.open();

        assertThat(fast.stops()).hasSizeGreaterThan(2).hasSameSizeAs(slow.stops());
        for (int i = 0; i < fast.stops().size(); i++) { // CPU only: three times the bandwidth, three times the speed
            double ratio = fast.stops().get(i).estimate().get().tokensPerSecond() / slow.stops().get(i).estimate().get().tokensPerSecond();
            assertThat(ratio).isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    long cdnRequests() {
        return hub.requests().stream().filter(RequestLog::cdn).count();
    }

    @Test
    void aQuantThatIsNotAModelShowsAnErrorOnItsStopAndTheOthersStillGetEstimates() {
        var repo = TestRepos.addTinyRepo(hub, dir);
        repo.addFile("Tiny-Chat-Q6_K.gguf", "this is not a GGUF file at all, just text".repeat(100).getBytes(StandardCharsets.UTF_8));

        var vm = open(TestRepos.TINY);

        assertThat(vm.state().get()).isEqualTo(ModelPageState.READY);
        assertThat(vm.stops()).hasSizeGreaterThan(2).allMatch(StopItem::ready); // no spinner left
        StopItem bad = vm.stops().stream().filter(s -> s.label().equals("Q6_K")).findFirst().orElseThrow();
        assertThat(bad.estimate().get()).isNull();
        assertThat(bad.errorKey().get()).isEqualTo("discover.stop.unreadable");
        assertThat(vm.stops().stream().filter(s -> s != bad)).allMatch(s -> s.estimate().get() != null);
        assertThat(vm.selectedStop()).isNotNull();
        assertThat(vm.selectedStop().estimate().get().recommended()).isTrue();
    }

    @Test
    void openingTheSamePageAgainReadsNoHeaderTwice() {
        TestRepos.addTinyRepo(hub, dir);
        var first = open(TestRepos.TINY);
        assertThat(first.stops()).hasSizeGreaterThan(2).allMatch(s -> s.estimate().get() != null);
        long afterFirst = cdnRequests();
        assertThat(afterFirst).isPositive();

        var again = open(TestRepos.TINY);

        assertThat(again.stops()).hasSameSizeAs(first.stops()).allMatch(s -> s.estimate().get() != null);
        assertThat(cdnRequests()).isEqualTo(afterFirst);
        assertThat(again.stops()).extracting(s -> s.estimate().get().verdict())
                .containsExactlyElementsOf(first.stops().stream().map(s -> s.estimate().get().verdict()).toList());
    }

    @Test
    void missingLlamaLibrariesAreNamedWithTheFoldersLookedInAndNotBlamedOnTheHub() {
        TestRepos.addTinyRepo(hub, dir);
        Path looked = dir.resolve("natives");
        // what the hardware probe throws when the engine finds no natives (the README's javafx:run did)
        var vm = new ModelPageViewModel(TestRepos.TINY, () -> client, () -> {
            throw new dev.karuku.engine.llama.NativesUnavailableException("not found", java.util.List.of(looked));
        }, EstimateOptions.defaults(), (r, c, q) -> {}, cache, Runnable::run, UiThread.direct());
        vm.open();

        assertThat(vm.state().get()).isEqualTo(ModelPageState.ERROR);
        assertThat(vm.errorKey().get()).isEqualTo("natives.missing");
        String shown = new dev.karuku.app.ui.Messages(java.util.Locale.ENGLISH).get(vm.errorKey().get(), vm.errorDetail().get());
        assertThat(shown).startsWith("llama.cpp's libraries were not found (looked in " + looked + ")").doesNotContain("Hub");
    }

    @Test
    void aConnectionDroppedWhileReadingTheHeadersIsReadAgainAndEveryStopGetsItsEstimate() {
        TestRepos.addTinyRepo(hub, dir);
        hub.faults().cutAfter(1000, 1); // the first header read loses its connection after 1000 bytes

        var vm = open(TestRepos.TINY);

        assertThat(vm.stops()).hasSizeGreaterThan(2).allMatch(s -> s.estimate().get() != null);
        assertThat(vm.stops()).allMatch(s -> s.errorKey().get().isEmpty());
    }

    @Test
    void aRepoWithoutAnyGgufFileSaysSoInsteadOfWaiting() {
        hub.addRepo("karuku-test/Safetensors-Only").addFile("README.md", "# Only safetensors here\n")
                .addFile("model.safetensors", new byte[4096]);

        var vm = open("karuku-test/Safetensors-Only");

        assertThat(vm.state().get()).isEqualTo(ModelPageState.ERROR);
        assertThat(vm.errorKey().get()).isEqualTo("model.noGguf");
        assertThat(vm.stops()).isEmpty();
        assertThat(vm.readme().get()).contains("Only safetensors here"); // the card is still shown
    }
}
