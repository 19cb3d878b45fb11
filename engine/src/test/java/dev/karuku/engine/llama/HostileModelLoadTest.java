package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.HostileModels;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Each of these files, handed to llama.cpp, aborts the process (seen once with `HostileModels.main` and the
/// launcher, exit 134). The load API refuses them first: a test that fails here ends this JVM, not just itself.
class HostileModelLoadTest {

    private final LlamaRuntime llama = LlamaRuntime.load();

    @TempDir
    static Path dir;

    static List<HostileModels> hostile() {
        return HostileModels.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void loadingRefusesTheFileWithTheKeyInsteadOfAborting(HostileModels h) throws Exception {
        Path file = h.write(dir);
        assertThatThrownBy(() -> llama.loadModel(file, TestFixtures.tinyOptions()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("cannot load " + file.getFileName() + ": ")
                .hasMessageContaining(h.key());
    }
}
