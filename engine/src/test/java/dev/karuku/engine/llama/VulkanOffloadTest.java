package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.gguf.FileType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// Layer offload on a real GPU device. CI has none, so it runs on lavapipe (Mesa's software Vulkan) made visible
/// with `GGML_VK_VISIBLE_DEVICES=0`; skipped where no GPU device is listed.
@Tag("gpu")
class VulkanOffloadTest {

    @Test
    void layersOffloadedToTheGpuAreReportedAndTheModelStillContinuesTheAlphabet() throws Exception {
        LlamaRuntime llama = LlamaRuntime.load();
        Device gpu = llama.devices().stream().filter(Device::isGpu).findFirst().orElse(null);
        assumeTrue(gpu != null, "no GPU device (install mesa-vulkan-drivers and set GGML_VK_VISIBLE_DEVICES=0)");
        assertThat(gpu.totalBytes()).isPositive();

        LoadOptions options = LoadOptions.of(TestFixtures.tinySettings().withGpuLayers(2));
        var captured = LlamaLog.capture(() -> llama.loadModel(TestFixtures.successor(FileType.MOSTLY_Q4_K_M), options));
        try (Model model = captured.value(); Context ctx = model.newContext(options)) {
            List<String> lines = captured.lines().stream().map(LogLine::text).toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("offloaded 2/3 layers to GPU"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("assigned to device " + gpu.name()));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains(gpu.name() + " model buffer size"));
            GenerationResult r = ctx.generate(model.tokenize("abc", true, false),
                    new GenerateOptions(20, SamplingParams.greedy(), List.of()), GenerationListener.NONE, Cancellation.none());
            assertThat(r.text()).startsWith("defghijklmnopqrstuvw");
        }
    }
}
