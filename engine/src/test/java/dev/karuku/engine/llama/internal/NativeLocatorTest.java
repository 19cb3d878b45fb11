package dev.karuku.engine.llama.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLocatorTest {

    private static Path variant(Path root, String name, String... files) throws IOException {
        Path d = Files.createDirectories(root.resolve(name));
        for (String f : files) Files.createFile(d.resolve(f));
        return d;
    }

    private static void linuxCpu(Path root) throws IOException {
        variant(root, "linux-x64", "libggml-base.so", "libggml.v0.4.0.so", "libllama.v0.4.0.so", "libggml-cpu-haswell.so");
    }

    private static void linuxVulkan(Path root) throws IOException {
        variant(root, "linux-x64-vulkan", "libggml-base.so", "libggml.vulkan.v0.4.0.so", "libllama.vulkan.v0.4.0.so",
                "libggml-vulkan.so", "libggml-cpu-haswell.so");
    }

    @Test
    void aGpuVariantIsPreferredOverTheCpuOne(@TempDir Path root) throws IOException {
        linuxCpu(root);
        linuxVulkan(root);
        var found = new NativeLocator(List.of(root), "linux-x64", null).search().found().orElseThrow();
        assertThat(found.name()).isEqualTo("linux-x64-vulkan");
        assertThat(found.backend()).isEqualTo("vulkan");
        assertThat(found.llama().getFileName().toString()).isEqualTo("libllama.vulkan.v0.4.0.so");
        assertThat(found.ggml().getFileName().toString()).isEqualTo("libggml.vulkan.v0.4.0.so");
        assertThat(found.ggmlBase().getFileName().toString()).isEqualTo("libggml-base.so");
    }

    @Test
    void karukuBackendForcesTheCpuVariant(@TempDir Path root) throws IOException {
        linuxCpu(root);
        linuxVulkan(root);
        var found = new NativeLocator(List.of(root), "linux-x64", "cpu").search().found().orElseThrow();
        assertThat(found.name()).isEqualTo("linux-x64");
    }

    @Test
    void windowsDllNamesAreMatchedAndOtherPlatformsIgnored(@TempDir Path root) throws IOException {
        linuxCpu(root);
        variant(root, "win-x64-vulkan", "ggml-base.dll", "ggml.vulkan.v0.4.0.dll", "llama.vulkan.v0.4.0.dll", "ggml-vulkan.dll");
        var found = new NativeLocator(List.of(root), "win-x64", null).search().found().orElseThrow();
        assertThat(found.name()).isEqualTo("win-x64-vulkan");
        assertThat(found.llama().getFileName().toString()).isEqualTo("llama.vulkan.v0.4.0.dll");
    }

    @Test
    void cudaIsPreferredOverVulkan(@TempDir Path root) throws IOException {
        linuxVulkan(root);
        variant(root, "linux-x64-cuda", "libggml-base.so", "libggml.cuda.v0.4.0.so", "libllama.cuda.v0.4.0.so");
        assertThat(new NativeLocator(List.of(root), "linux-x64", null).search().found().orElseThrow().backend()).isEqualTo("cuda");
    }

    @Test
    void anIncompleteVariantIsSkippedAndEveryPathTriedIsReported(@TempDir Path root) throws IOException {
        variant(root, "linux-x64", "libggml-base.so", "libggml.v0.4.0.so"); // no libllama
        Path missing = root.resolve("elsewhere");
        var search = new NativeLocator(List.of(missing, root), "linux-x64", null).search();
        assertThat(search.found()).isEmpty();
        assertThat(search.tried()).contains(missing, root, root.resolve("linux-x64"));
    }

    @Test
    void aFolderThatIsItselfAVariantIsUsedDirectly(@TempDir Path root) throws IOException {
        linuxCpu(root);
        var found = new NativeLocator(List.of(root.resolve("linux-x64")), "linux-x64", null).search().found().orElseThrow();
        assertThat(found.dir()).isEqualTo(root.resolve("linux-x64"));
    }
}
