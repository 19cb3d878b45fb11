package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.Sampling;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The Load screen's ViewModel with the real llama.cpp loader and the known-answer model: switching models while
/// one answers stops the answer and frees the old model before the next one loads.
class LoadSwitchTest {
    final TestHost testHost = new TestHost();
    @TempDir Path dir;

    final ExecutorService uiThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-ui"));
    final UiThread ui = uiThread::execute;
    final ModelSession session = new ModelSession();
    final List<String> events = new CopyOnWriteArrayList<>();

    /// The real loader, noting when a load starts and when a model's memory is freed.
    final ModelLoader recording = new ModelLoader() {
        final ModelLoader real = testHost.loader();

        @Override
        public Loading load(Path file, LoadSettings request, dev.karuku.engine.settings.SpeculativeSettings speculative,
                            Progress progress) {
            String name = file.getFileName().toString();
            events.add("load " + name);
            Loading l = real.load(file, request, speculative, progress);
            CompletableFuture<Loaded> noted = l.result().thenApply(x -> new Loaded(x.model(), x.chat(), () -> {
                x.resources().close();
                events.add("freed " + name);
            }));
            return new Loading() {
                @Override public CompletableFuture<Loaded> result() { return noted; }
                @Override public void cancel() { l.cancel(); }
            };
        }
    };

    @AfterEach
    void unload() throws Exception {
        session.unload().get(30, TimeUnit.SECONDS);
        uiThread.shutdown();
        testHost.close();
    }

    @Test
    void switchingModelsWhileOneAnswersStopsTheAnswerAndFreesItBeforeTheNextLoads() throws Exception {
        Path first = TestModels.successor(dir.resolve("first.gguf"));
        Path second = TestModels.successor(dir.resolve("second.gguf"));
        LoadViewModel vm = onUi(() -> new LoadViewModel(recording, new NoPlan(), session, () -> LoadSettings.of(LoadSettings.ALL_LAYERS, 256, KvCacheType.F16, FlashAttention.AUTO, 1),
                null, Runnable::run, ui));
        onUi(() -> { vm.file().set(first); vm.load(); return null; });
        await(() -> vm.state().get() == LoadState.LOADED);

        // a long answer, read slowly
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<ChatBackend.Result> answer = new CompletableFuture<>();
        ChatBackend chat = session.backend().get();
        chat.reply(new ChatBackend.ChatRequest("", List.of(new ChatBackend.Turn(Role.USER, "abc")), new Sampling(0, 1, 1, 1, 10_000)),
                new ChatBackend.Listener() {
                    @Override public void token(String piece) {
                        streaming.countDown();
                        sleep(25);
                    }
                    @Override public void done(ChatBackend.Result r) { answer.complete(r); }
                    @Override public void failed(String message) { answer.completeExceptionally(new AssertionError(message)); }
                });
        assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        onUi(() -> { vm.file().set(second); vm.load(); return null; });
        await(() -> vm.state().get() == LoadState.LOADED);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(answer.get(5, TimeUnit.SECONDS).stopped()).as("the answer was stopped").isTrue();
        assertThat(events).containsExactly("load first.gguf", "freed first.gguf", "load second.gguf");
        // the whole answer, read at 25 ms a token, would take over 250 s; a loaded 2-core machine may need tens of
        // seconds to start the next worker
        assertThat(millis).as("the switch waited for the answer").isLessThan(120_000);
        assertThat(session.loaded().get().name()).isEqualTo("second.gguf");
    }

    @Test
    void aFileLlamaCppWouldCrashOnIsExplainedWhenPickedAndNeverLoaded() throws Exception {
        dev.karuku.engine.gguf.HostileModels hostile = dev.karuku.engine.gguf.HostileModels.all().getFirst();
        Path file = hostile.write(dir);
        LoadViewModel vm = onUi(() -> new LoadViewModel(recording, new EstimatorPlanner(
                LlamaHardware.probe()::snapshot), session,
                () -> LoadSettings.of(LoadSettings.ALL_LAYERS, 256, KvCacheType.F16, FlashAttention.AUTO, 1), null, Runnable::run, ui));
        onUi(() -> { vm.file().set(file); return null; });
        assertThat(onUi(() -> vm.error().get())).as("said on picking the file").contains(hostile.key());

        onUi(() -> { vm.load(); return null; });
        await(() -> vm.state().get() == LoadState.FAILED);
        assertThat(onUi(() -> vm.error().get())).contains(hostile.key()).contains("llama.cpp would crash on it");
        assertThat(session.loaded().get()).isNull();
    }

    private <T> T onUi(java.util.concurrent.Callable<T> job) throws Exception {
        return uiThread.submit(job).get(30, TimeUnit.SECONDS);
    }

    private void await(BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onUi(condition::getAsBoolean)) {
            if (System.nanoTime() > end) throw new AssertionError("timed out; events " + events);
            Thread.sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /// No estimate needed here: the test picks the options itself.
    private static final class NoPlan implements MemoryPlanner {
        @Override public Plan plan(Path file, LoadSettings request) {
            return new Plan(2, 0, 0, 1, 0, "CPU_ONLY", 0, List.of(), "");
        }
        @Override public LoadSettings bestFit(Path file, LoadSettings base) {
            return base;
        }
        @Override public int autoLayers(Path file, LoadSettings request) {
            return 0;
        }
    }
}
