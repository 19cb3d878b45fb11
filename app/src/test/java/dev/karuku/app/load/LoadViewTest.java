package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.FxUiThread;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SerialExecutor;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// The Load screen in a real window, on a PC with an 8 GiB Vulkan GPU: a model opens with its best fit on the
/// slider (every layer), and the flash-attention choice offers quantized caches only while it is not Off.
class LoadViewTest {
    final TestHost testHost = new TestHost();
    static final long GIB = 1L << 30;
    @TempDir Path dir;
    final FxRobot robot = new FxRobot();
    ModelSession session;

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
        testHost.close();
    }

    LoadViewModel show(Hardware hw) throws Exception {
        return show(new EstimatorPlanner(() -> hw), new SerialExecutor("test-estimate"));
    }

    LoadViewModel show(MemoryPlanner planner, java.util.concurrent.Executor background) throws Exception {
        FxToolkit.registerPrimaryStage();
        session = new ModelSession();
        var vm = new LoadViewModel(testHost.loader(), planner, session,
                () -> LoadSettings.DEFAULTS, null, background, new FxUiThread());
        FxToolkit.setupSceneRoot(() -> new LoadView(vm, new Messages(Locale.ENGLISH), () -> {}).root());
        FxToolkit.showStage();
        return vm;
    }

    @Test
    void aModelOpensWithItsBestFitOnTheSliderAndSaysSo() throws Exception {
        Hardware pc = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("Vulkan0", "test", 8 * GIB, 8 * GIB)));
        LoadViewModel vm = show(pc);
        Path model = TestModels.successor(dir.resolve("successor.gguf"));

        robot.interact(() -> vm.file().set(model));

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null && vm.maxGpuLayers().get() == 3);
        WaitForAsyncUtils.waitForFxEvents();
        Slider layers = robot.lookup("#load-layers").queryAs(Slider.class);
        assertThat(layers.getValue()).as("the slider").isEqualTo(3);
        assertThat(vm.gpuLayers().get()).as("the request").isEqualTo(3);
        assertThat(robot.lookup("#load-verdict").queryAs(Label.class).getText()).isEqualTo("Fits on the GPU");
        assertThat(robot.lookup("#load-start").queryAs(Label.class).getText()).isEqualTo("The best fit for this PC");
    }

    @Test
    void withoutAGpuTheLayerSliderIsOffAndTheScreenSaysTheModelRunsOnTheCpu() throws Exception {
        LoadViewModel vm = show(Hardware.cpuOnly(32 * GIB, 24 * GIB, 8));
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        robot.interact(() -> vm.file().set(model));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#load-layers").queryAs(Slider.class).isDisabled()).isTrue();
        assertThat(robot.lookup("#load-vram").queryAs(Label.class).getText()).isEqualTo("No GPU found: the model runs on the CPU, in RAM");
        assertThat(robot.lookup("#load-verdict").queryAs(Label.class).getText()).isEqualTo("Runs on the CPU");
    }

    @Test
    void quantizedCachesAreOfferedOnlyWhileFlashAttentionIsNotOff() throws Exception {
        LoadViewModel vm = show(Hardware.cpuOnly(32 * GIB, 24 * GIB, 8));
        @SuppressWarnings("unchecked") ComboBox<FlashAttention> flash = robot.lookup("#load-flash").queryAs(ComboBox.class);
        @SuppressWarnings("unchecked") ComboBox<KvCacheType> kv = robot.lookup("#load-kv").queryAs(ComboBox.class);
        assertThat(flash.getValue()).isEqualTo(FlashAttention.AUTO);
        assertThat(flash.getItems()).containsExactly(FlashAttention.AUTO, FlashAttention.ON, FlashAttention.OFF);
        assertThat(kv.getItems()).containsExactly(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);
        robot.interact(() -> kv.setValue(KvCacheType.Q8_0));

        robot.interact(() -> flash.setValue(FlashAttention.OFF));

        assertThat(kv.getItems()).containsExactly(KvCacheType.F16);
        assertThat(kv.getValue()).isEqualTo(KvCacheType.F16);
        assertThat(vm.request().kvType()).isEqualTo(KvCacheType.F16);
        robot.interact(() -> flash.setValue(FlashAttention.ON));
        assertThat(kv.getItems()).containsExactly(KvCacheType.F16, KvCacheType.Q8_0, KvCacheType.Q4_0);
    }

    @Test
    void aGpuKindTheEstimatorWasNeverMeasuredOnIsNamed() throws Exception {
        Hardware pc = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("CUDA0", "test", 8 * GIB, 8 * GIB)));
        LoadViewModel vm = show(pc);
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        robot.interact(() -> vm.file().set(model));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null);
        WaitForAsyncUtils.waitForFxEvents();

        Label caveat = robot.lookup("#load-approximate").queryAs(Label.class);
        assertThat(caveat.isVisible()).isTrue();
        assertThat(caveat.getText()).contains("never measured on a CUDA GPU");
    }

    @Test
    void aScreenBuiltAgainShowsTheLayersOnTheThumbAndTheArrowKeysMoveOneLayer() throws Exception {
        Hardware pc = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("Vulkan0", "test", 8 * GIB, 8 * GIB)));
        LoadViewModel vm = show(pc);
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        robot.interact(() -> vm.file().set(model));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null && vm.maxGpuLayers().get() == 3 && vm.gpuLayers().get() == 3);

        // a language or theme switch builds the screen again over the same view model
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().getScene()
                .setRoot(new LoadView(vm, new Messages(Locale.JAPANESE), () -> {}).root()));
        WaitForAsyncUtils.waitForFxEvents();
        Slider layers = robot.lookup("#load-layers").queryAs(Slider.class);
        assertThat(layers.getValue()).as("the thumb").isEqualTo(3);

        robot.interact(layers::requestFocus);
        robot.type(javafx.scene.input.KeyCode.LEFT);
        assertThat(vm.gpuLayers().get()).as("one left").isEqualTo(2);
        robot.type(javafx.scene.input.KeyCode.LEFT);
        assertThat(vm.gpuLayers().get()).as("two left").isEqualTo(1);
        robot.type(javafx.scene.input.KeyCode.RIGHT);
        assertThat(vm.gpuLayers().get()).as("one right").isEqualTo(2);
        assertThat(layers.getValue()).isEqualTo(2);
    }

    @Test
    void theContextNeverStartsAboveWhatTheModelWasTrainedFor() throws Exception {
        Hardware pc = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8);
        var real = new EstimatorPlanner(() -> pc);
        var bestFitHeld = new java.util.concurrent.CountDownLatch(1);
        MemoryPlanner slowBestFit = new MemoryPlanner() { // the best fit waits, as it does while this PC's speed is measured
            @Override public Plan plan(Path file, LoadSettings request) { return real.plan(file, request); }
            @Override public int autoLayers(Path file, LoadSettings request) { return real.autoLayers(file, request); }
            @Override public LoadSettings bestFit(Path file, LoadSettings base) {
                try {
                    bestFitHeld.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return real.bestFit(file, base);
            }
        };
        try {
            LoadViewModel vm = show(slowBestFit, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            Path model = TestModels.successor(dir.resolve("successor.gguf")); // trained for 512 tokens
            assertThat(vm.contextLength().get()).isEqualTo(LoadSettings.DEFAULTS.contextLength()).isGreaterThan(512);
            robot.interact(() -> vm.file().set(model));

            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null && vm.contextLength().get() == 512);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(vm.request().contextLength()).isEqualTo(512);
            assertThat(robot.lookup("#load-context").queryAs(javafx.scene.control.Spinner.class).getEditor().getText()).isEqualTo("512");
        } finally {
            bestFitHeld.countDown();
        }
    }

    @Test
    void onceLoadedTheScreenAndTheStatusBarShowTheSameMeasuredFigureAndSayWhatItCounts() throws Exception {
        LoadViewModel vm = show(Hardware.cpuOnly(32 * GIB, 24 * GIB, 8));
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        robot.interact(() -> vm.file().set(model));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null);

        robot.interact(vm::load);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.state().get() == LoadState.LOADED);
        WaitForAsyncUtils.waitForFxEvents();

        LoadedModel loaded = vm.loaded().get();
        assertThat(loaded.buffers()).as("measured from llama.cpp's log").isNotNull();
        assertThat(robot.lookup("#load-ram").queryAs(Label.class).getText())
                .startsWith(dev.karuku.app.ui.Formats.bytes(loaded.ramBytes()) + " in use (measured after loading)");
        var status = new dev.karuku.app.shell.ShellViewModel(session, new Messages(Locale.ENGLISH), dev.karuku.app.shell.Page.LOAD);
        assertThat(status.ramText().get()).isEqualTo("RAM " + dev.karuku.app.ui.Formats.bytes(loaded.ramBytes()));
        assertThat(status.ramDetail().get()).contains("measured while it loaded").contains("weights " + dev.karuku.app.ui.Formats.bytes(loaded.buffers().weights().cpu()));
        assertThat(status.vramDetail().get()).contains("context (KV cache) " + dev.karuku.app.ui.Formats.bytes(loaded.buffers().kv().gpu()));

        // the model lives in its own process; Unload ends it, and with it every byte the model held
        long pid = testHost.host.workerPid("successor");
        assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        robot.clickOn("#load-unload");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.loaded().get()).isNull();
        assertThat(vm.state().get()).isEqualTo(LoadState.IDLE);
        assertThat(robot.lookup("#load-unload").queryAs(javafx.scene.control.Button.class).isVisible()).isFalse();
    }
}
