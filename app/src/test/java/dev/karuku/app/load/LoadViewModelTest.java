package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The Load screen without the toolkit, on a real model file and the real estimator and loader: a model opens on
/// the best fit for the PC (here a PC with an 8 GiB GPU), a changed choice is remembered for that model after
/// it loads, and flash attention is a three-way choice that never leaves a quantized cache llama.cpp refuses.
class LoadViewModelTest {
    final TestHost testHost = new TestHost();
    static final long GIB = 1L << 30;

    @TempDir Path dir;
    Path model;
    LoadChoices choices;
    final ModelSession session = new ModelSession();
    final Hardware vulkanPc = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8).withGpus(List.of(new GpuDevice("Vulkan0", "test", 8 * GIB, 8 * GIB)));

    @BeforeEach
    void setUp() throws Exception {
        model = TestModels.successor(dir.resolve("successor.gguf"));
        choices = new LoadChoices(dir.resolve("load-choices.json"));
    }

    @AfterEach
    void unload() {
        session.clear();
        testHost.close();
    }

    LoadViewModel open(Hardware hw) {
        var vm = new LoadViewModel(testHost.loader(), new EstimatorPlanner(() -> hw), session, () -> LoadSettings.DEFAULTS,
                choices, Runnable::run, UiThread.direct());
        vm.file().set(model);
        return vm;
    }

    void loadAndWait(LoadViewModel vm) throws Exception {
        vm.load();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (vm.state().get() == LoadState.LOADING && System.nanoTime() < end) Thread.sleep(20);
        assertThat(vm.error().get()).isEmpty();
        assertThat(vm.state().get()).isEqualTo(LoadState.LOADED);
    }

    @Test
    void aModelOpensOnTheBestFitForThisPc() throws Exception {
        var vm = open(vulkanPc);

        var best = BestFit.of(GgufReader.read(model), EstimateOptions.defaults().withContextLength(4096), vulkanPc).options().load();
        assertThat(vm.gpuLayers().get()).as("every layer fits the GPU").isEqualTo(vm.maxGpuLayers().get()).isEqualTo(best.gpuLayers()).isPositive();
        assertThat(vm.contextLength().get()).isEqualTo(best.contextLength());
        assertThat(vm.flashAttention().get()).isEqualTo(FlashAttention.AUTO);
        assertThat(vm.kvCacheType().get()).isEqualTo(KvCacheType.F16);
        assertThat(vm.plan().get().verdict()).isEqualTo("FITS_ON_GPU");
        assertThat(vm.bestFitShown().get()).isTrue();
        assertThat(vm.plan().get().unmeasuredGpu()).as("Vulkan was measured").isEmpty();

        var cudaPc = vulkanPc.withGpus(List.of(new GpuDevice("CUDA0", "test", 8 * GIB, 8 * GIB)));
        assertThat(open(cudaPc).plan().get().unmeasuredGpu()).isEqualTo("CUDA");
    }

    @Test
    void aChangedChoiceIsRememberedForTheModelAndAutoGoesBackToTheBestFit() throws Exception {
        var vm = open(vulkanPc);
        int best = vm.gpuLayers().get();
        vm.gpuLayers().set(1);
        vm.kvCacheType().set(KvCacheType.Q8_0);
        vm.contextLength().set(1024);
        assertThat(vm.bestFitShown().get()).isFalse();
        loadAndWait(vm);

        var again = open(vulkanPc);
        assertThat(again.gpuLayers().get()).isEqualTo(1);
        assertThat(again.kvCacheType().get()).isEqualTo(KvCacheType.Q8_0);
        assertThat(again.contextLength().get()).isEqualTo(1024);
        assertThat(again.remembered().get()).isTrue();

        again.auto();
        assertThat(again.gpuLayers().get()).isEqualTo(best);
        assertThat(again.kvCacheType().get()).isEqualTo(KvCacheType.F16);
        assertThat(again.bestFitShown().get()).isTrue();
        loadAndWait(again);
        assertThat(open(vulkanPc).bestFitShown().get()).as("loading the best fit forgets the old choice").isTrue();
    }

    @Test
    void flashAttentionOffTakesAQuantizedCacheBackToF16() {
        var vm = open(vulkanPc);
        vm.flashAttention().set(FlashAttention.ON);
        vm.kvCacheType().set(KvCacheType.Q4_0);
        assertThat(vm.plan().get()).isNotNull();

        vm.flashAttention().set(FlashAttention.OFF);

        assertThat(vm.kvCacheType().get()).isEqualTo(KvCacheType.F16);
        assertThat(vm.request().flashAttention()).isEqualTo(FlashAttention.OFF);
        assertThat(vm.error().get()).isEmpty();
    }
}
