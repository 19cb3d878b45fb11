package dev.karuku.engine.worker;

import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.gguf.HostileModels;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ServeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// Real worker processes running real llama.cpp on the successor model (greedy answer to "abc": "defghij…").
class SupervisorTest {

    private static final GenerateOptions TEN = new GenerateOptions(10, SamplingParams.greedy(), List.of());

    @TempDir
    Path dir;

    private final List<Supervisor> supervisors = new ArrayList<>();

    @AfterEach
    void closeSupervisors() {
        supervisors.forEach(Supervisor::close);
    }

    private Supervisor supervisor(List<HostedModel> models, SupervisorOptions options) {
        Supervisor s = new Supervisor(models, options);
        supervisors.add(s);
        return s;
    }

    private static SupervisorOptions tiny() {
        return SupervisorOptions.defaults().withLoadOptions(m -> TestFixtures.tinyOptions());
    }

    private Path successorCopy(String name) throws Exception {
        return Files.copy(TestFixtures.successor(), dir.resolve(name + ".gguf"));
    }

    private static Collector ask(Supervisor s, CompletionRequest request) {
        Collector c = new Collector();
        s.submit(request, c);
        return c;
    }

    private static HostedModel.State state(Supervisor s, String id) {
        return s.models().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow().state();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitExit(long pid) throws Exception {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }

    @Test
    void completionThroughAWorkerProcessContinuesTheAlphabetPieceByPiece() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of("abc-model"))), tiny());
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.UNLOADED);

        Collector c = ask(s, CompletionRequest.text("abc-model", "abc", TEN));
        CompletionResult r = c.result();

        assertThat(c.text()).startsWith("defghij");
        assertThat(c.pieces).hasSizeGreaterThanOrEqualTo(5); // streamed, not handed over at the end
        assertThat(r.reason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(r.stats().generatedTokens()).isEqualTo(10);
        assertThat(c.ends).isEqualTo(1);
        long pid = s.workerPid("successor");
        assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(alive(pid)).isTrue();
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.LOADED);

        // a chat is rendered with the model's template (plain text for this vocabulary) in the worker
        Collector chat = ask(s, CompletionRequest.chat("successor", List.of(ChatMessage.user("abc")), TEN));
        chat.result();
        assertThat(chat.text()).startsWith("defg");
        assertThat(s.workerPid("successor")).isEqualTo(pid); // the same worker answered: the model stayed loaded
    }

    @Test
    void anExplicitLoadTellsTheWorkerStartingThenLlamaCppsProgressReportsWhatItMeasuredAndStaysUntilUnloaded() throws Exception {
        Supervisor s = supervisor(List.of(), tiny());
        String id = s.register("successor", TestFixtures.successor());
        assertThat(s.register("other name", TestFixtures.successor())).isEqualTo(id); // one file, one model
        List<String> progress = new CopyOnWriteArrayList<>();
        List<HostedModel.State> states = new CopyOnWriteArrayList<>();
        s.watch(m -> states.add(m.state()));

        Supervisor.Loading loading = s.load(id, TestFixtures.tinyOptions(), new LoadProgress() {
            @Override public void startingWorker() { progress.add("starting"); }
            @Override public void loading(float fraction) { progress.add("loading " + fraction); }
        });
        LoadReport report = loading.result().get(60, TimeUnit.SECONDS);

        assertThat(progress.getFirst()).isEqualTo("starting");
        assertThat(progress).contains("loading 1.0");
        assertThat(report.backend()).isEqualTo("CPU");
        assertThat(report.gpuLayers()).isZero();
        assertThat(report.totalLayers()).isPositive();
        assertThat(report.contextLength()).isEqualTo(256);
        assertThat(report.buffers()).isNotNull();
        assertThat(report.buffers().kv().cpu()).isPositive(); // llama.cpp's own figures, from the worker's log
        assertThat(report.ramBytes()).isGreaterThanOrEqualTo(report.buffers().weights().cpu());
        assertThat(s.report(id)).isEqualTo(report);
        assertThat(s.countTokens(id, List.of(ChatMessage.user("abc"))).get(30, TimeUnit.SECONDS)).isPositive();
        long pid = s.workerPid(id);

        // a request that asks to unload right after it does not unload what was loaded explicitly
        Collector c = ask(s, CompletionRequest.text(id, "abc", TEN).withKeepAlive(Duration.ZERO));
        c.result();
        assertThat(c.text()).startsWith("defghij");
        Thread.sleep(500);
        assertThat(s.workerPid(id)).isEqualTo(pid);

        s.unload(id);
        assertThat(alive(pid)).isFalse();
        assertThat(state(s, id)).isEqualTo(HostedModel.State.UNLOADED);
        assertThat(s.report(id)).isNull();
        awaitTrue(() -> states.equals(List.of(HostedModel.State.LOADING,
                HostedModel.State.LOADED, HostedModel.State.UNLOADED)), states::toString);
    }

    @Test
    void aCancelledLoadEndsItsWorkerLeavesTheModelUnloadedAndTheNextLoadWorks() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())), tiny());
        java.util.concurrent.CountDownLatch starting = new java.util.concurrent.CountDownLatch(1);
        Supervisor.Loading loading = s.load("successor", TestFixtures.tinyOptions(), new LoadProgress() {
            @Override public void startingWorker() { starting.countDown(); }
        });
        assertThat(starting.await(30, TimeUnit.SECONDS)).isTrue();
        loading.cancel();

        assertThat(loading.result()).failsWithin(Duration.ofSeconds(30))
                .withThrowableThat().withCauseInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.UNLOADED);
        assertThat(s.workerPid("successor")).isEqualTo(-1);

        assertThat(s.load("successor", TestFixtures.tinyOptions(), LoadProgress.NONE).result().get(60, TimeUnit.SECONDS)).isNotNull();
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.LOADED);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not reached: " + what.get());
            Thread.sleep(20);
        }
    }

    @Test
    void keepAliveZeroUnloadsTheModelAndEndsItsWorkerAfterTheRequest() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())), tiny());
        Collector first = ask(s, CompletionRequest.text("successor", "abc", TEN));
        first.result();
        long pid = s.workerPid("successor");
        assertThat(pid).isPositive();

        Collector last = ask(s, CompletionRequest.text("successor", "abc", TEN).withKeepAlive(Duration.ZERO));
        last.result();
        awaitExit(pid);

        assertThat(alive(pid)).isFalse();
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.UNLOADED);
        assertThat(s.workerPid("successor")).isEqualTo(-1);
    }

    @Test
    void anIdleModelIsUnloadedAfterTheServersKeepAliveAndLoadedAgainOnTheNextRequest() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())),
                tiny().withKeepAlive(Duration.ofSeconds(3)));
        ask(s, CompletionRequest.text("successor", "abc", TEN)).result();
        long pid = s.workerPid("successor");
        assertThat(alive(pid)).isTrue(); // not unloaded right after the request

        awaitExit(pid);

        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.UNLOADED);
        Collector again = ask(s, CompletionRequest.text("successor", "abc", TEN));
        again.result();
        assertThat(again.text()).startsWith("defghij");
        assertThat(s.workerPid("successor")).isPositive().isNotEqualTo(pid);
    }

    @Test
    void aWorkerKilledMidCompletionEndsItWithWorkerDiedAndTheNextRequestLoadsTheModelAgain() throws Exception {
        // a context far larger than the answer so far: the completion is still running when the worker is killed
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())),
                SupervisorOptions.defaults().withLoadOptions(m -> LoadOptions.of(TestFixtures.tinySettings().withContextLength(16384))));
        Collector running = ask(s, CompletionRequest.text("successor", "abc",
                new GenerateOptions(0, SamplingParams.greedy(), List.of())));
        running.firstPiece.get(120, TimeUnit.SECONDS);
        long pid = s.workerPid("successor");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9

        ServeException e = running.error();
        assertThat(e.kind()).isEqualTo(ServeException.Kind.WORKER_DIED);
        assertThat(e.getMessage()).contains("successor").contains("SIGKILL");
        assertThat(e.logTail()).isNotEmpty(); // llama.cpp's log from the worker's stderr
        assertThat(running.ends).isEqualTo(1);
        HostedModel failed = s.models().getFirst();
        assertThat(failed.state()).isEqualTo(HostedModel.State.FAILED);
        assertThat(failed.problem()).contains("SIGKILL");

        Collector again = ask(s, CompletionRequest.text("successor", "abc", TEN));
        again.result();
        assertThat(again.text()).startsWith("defghij");
        assertThat(s.workerPid("successor")).isPositive().isNotEqualTo(pid);
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.LOADED);
    }

    @Test
    void anAssertInsideLlamaCppCostsOnlyItsWorkerWhileAnotherModelGoesOnAnswering() throws Exception {
        HostileModels hostile = HostileModels.all().stream()
                .filter(h -> h.name().equals("expert-used-without-experts")).findFirst().orElseThrow();
        Path bad = hostile.write(dir);
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of()),
                        Supervisor.model("hostile", bad, List.of())),
                // the load check would refuse the file; this test-only switch lets llama.cpp see it and abort
                tiny().withWorkerJvmArgs(List.of("-Dkaruku.test.skipLoadCheck=true")));
        ask(s, CompletionRequest.text("successor", "abc", TEN)).result();
        long good = s.workerPid("successor");

        Collector crashed = ask(s, CompletionRequest.text("hostile", "abc", TEN));
        ServeException e = crashed.error();

        assertThat(e.kind()).isEqualTo(ServeException.Kind.WORKER_DIED);
        assertThat(e.getMessage()).contains("GGML_ASSERT").contains("SIGABRT");
        assertThat(e.logTail()).anyMatch(line -> line.contains("GGML_ASSERT"));
        HostedModel h = s.models().get(1);
        assertThat(h.state()).isEqualTo(HostedModel.State.FAILED);
        assertThat(h.problem()).contains("GGML_ASSERT");

        Collector still = ask(s, CompletionRequest.text("successor", "abc", TEN));
        still.result();
        assertThat(still.text()).startsWith("defghij");
        assertThat(s.workerPid("successor")).isEqualTo(good);
    }

    @Test
    void whenModelsDoNotAllFitTheLeastRecentlyUsedIdleOneIsUnloadedFirst() throws Exception {
        Path a = successorCopy("a"), b = successorCopy("b"), c = successorCopy("c");
        LoadPlan one = LoadPlan.of(a, TestFixtures.tinyOptions(), HardwareProbe.withoutGpus().snapshot());
        assertThat(one.ramBytes()).isPositive();
        // room for two of them, not three
        MemoryBudget budget = new MemoryBudget(one.ramBytes() * 5 / 2, 0);
        Supervisor s = supervisor(List.of(Supervisor.model("a", a, List.of()), Supervisor.model("b", b, List.of()),
                Supervisor.model("c", c, List.of())),
                tiny().withBudget(budget).withHardware(HardwareProbe.withoutGpus()::snapshot));

        ask(s, CompletionRequest.text("a", "abc", TEN)).result();
        ask(s, CompletionRequest.text("b", "abc", TEN)).result();
        ask(s, CompletionRequest.text("a", "abc", TEN)).result(); // a is now used more recently than b
        long pidA = s.workerPid("a"), pidB = s.workerPid("b");
        assertThat(alive(pidA)).isTrue();
        assertThat(alive(pidB)).isTrue();

        Collector third = ask(s, CompletionRequest.text("c", "abc", TEN));
        third.result();

        assertThat(third.text()).startsWith("defghij");
        assertThat(state(s, "b")).isEqualTo(HostedModel.State.UNLOADED);
        awaitExit(pidB);
        assertThat(alive(pidB)).isFalse();
        assertThat(state(s, "a")).isEqualTo(HostedModel.State.LOADED);
        assertThat(s.workerPid("a")).isEqualTo(pidA);
        assertThat(state(s, "c")).isEqualTo(HostedModel.State.LOADED);
    }

    @Test
    void closeLeavesNoWorkerProcessBehind() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("a", successorCopy("a"), List.of()),
                Supervisor.model("b", successorCopy("b"), List.of())), tiny());
        ask(s, CompletionRequest.text("a", "abc", TEN)).result();
        ask(s, CompletionRequest.text("b", "abc", TEN)).result();
        long pidA = s.workerPid("a"), pidB = s.workerPid("b");
        assertThat(alive(pidA)).isTrue();
        assertThat(alive(pidB)).isTrue();

        s.close();

        assertThat(alive(pidA)).isFalse();
        assertThat(alive(pidB)).isFalse();
        assertThat(ProcessHandle.current().children().filter(p -> p.pid() == pidA || p.pid() == pidB)).isEmpty();
        assertThat(s.models()).allMatch(m -> m.state() == HostedModel.State.UNLOADED);
    }

    @Test
    void aCancelledCompletionEndsCancelledAndTheModelGoesOnAnswering() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())),
                SupervisorOptions.defaults().withLoadOptions(m -> LoadOptions.of(TestFixtures.tinySettings().withContextLength(16384))));
        Collector running = new Collector();
        var completion = s.submit(CompletionRequest.text("successor", "abc",
                new GenerateOptions(0, SamplingParams.greedy(), List.of())), running);
        running.firstPiece.get(120, TimeUnit.SECONDS);
        long pid = s.workerPid("successor");

        completion.cancel();

        assertThat(running.result().reason()).isEqualTo(StopReason.CANCELLED);
        assertThat(running.text().length()).isLessThan(16000);
        Collector next = ask(s, CompletionRequest.text("successor", "abc", TEN));
        assertThat(next.result().reason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(next.text()).startsWith("defghij");
        assertThat(s.workerPid("successor")).isEqualTo(pid);
    }

    @Test
    void anUnknownModelIsReportedAsSuchWithoutStartingAWorker() throws Exception {
        Supervisor s = supervisor(List.of(Supervisor.model("successor", TestFixtures.successor(), List.of())), tiny());
        ServeException e = ask(s, CompletionRequest.text("nope", "abc", TEN)).error();
        assertThat(e.kind()).isEqualTo(ServeException.Kind.UNKNOWN_MODEL);
        assertThat(e.getMessage()).contains("nope").contains("successor");
        assertThat(state(s, "successor")).isEqualTo(HostedModel.State.UNLOADED);
    }
}
