package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/// `karuku generate` and `chat` load a model with the plan that fits best on this PC unless told otherwise.
class ModelOptionsTest {
    @TempDir Path dir;

    static ModelOptions parse(String... args) {
        GenerateCommand g = new GenerateCommand();
        new CommandLine(g).parseArgs(args);
        return g.options;
    }

    @Test
    void withoutGpuLayersTheModelLoadsWithTheBestFitForThisPc() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        LoadSettings o = parse(model.toString(), "--prompt", "abc").loadOptions(model).settings();

        Hardware hw = LlamaHardware.probe().snapshot();
        LoadSettings best = BestFit.of(GgufReader.read(model), EstimateOptions.defaults().withContextLength(4096), hw).options().load();
        assertThat(o.gpuLayers()).as("not 'all layers' whatever the GPU").isEqualTo(best.gpuLayers()).isNotEqualTo(LoadSettings.ALL_LAYERS);
        assertThat(o.contextLength()).isEqualTo(best.contextLength());
        assertThat(o.flashAttention()).isEqualTo(FlashAttention.AUTO);
        assertThat(o.kvType()).isEqualTo(KvCacheType.F16);
    }

    @Test
    void gpuLayersAndContextGivenAreKept() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        LoadSettings o = parse(model.toString(), "--prompt", "abc", "--gpu-layers", "-1", "--ctx", "300").loadOptions(model).settings();
        assertThat(o.gpuLayers()).isEqualTo(LoadSettings.ALL_LAYERS);
        assertThat(o.contextLength()).isEqualTo(300);
        assertThat(parse(model.toString(), "--prompt", "abc", "--ctx", "300").loadOptions(model).settings().contextLength()).isEqualTo(300);
    }
}
