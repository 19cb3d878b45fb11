package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Bad files end in a typed exception with a reason a person can act on, never in a dead JVM, and the engine
/// keeps working afterwards.
class LoadFailureTest {

    private final LlamaRuntime llama = LlamaRuntime.load();

    @Test
    void missingFileIsRefusedBeforeNativeCode(@TempDir Path dir) {
        Path missing = dir.resolve("nope.gguf");
        assertThatThrownBy(() -> llama.loadModel(missing, TestFixtures.tinyOptions()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no such file");
        assertEngineStillLoadsAGoodModel();
    }

    @Test
    void nonGgufFileIsRefusedBeforeNativeCode(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "these are my notes, not a model\n");
        assertThatThrownBy(() -> llama.loadModel(text, TestFixtures.tinyOptions()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not a GGUF model");
        assertEngineStillLoadsAGoodModel();
    }

    @Test
    void truncatedFileFailsWithLlamaCppsReason(@TempDir Path dir) throws IOException {
        Path good = TestFixtures.successor();
        Path truncated = dir.resolve("truncated.gguf");
        byte[] all = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> llama.loadModel(truncated, TestFixtures.tinyOptions()))
                .isInstanceOfSatisfying(ModelLoadException.class, e -> {
                    assertThat(e.getMessage()).startsWith("cannot load truncated.gguf: ").contains("data is not within the file bounds");
                    assertThat(e.log()).isNotEmpty();
                    assertThat(e.file()).isEqualTo(truncated);
                });
        assertEngineStillLoadsAGoodModel();
    }

    @Test
    void corruptHeaderFailsWithLlamaCppsReason(@TempDir Path dir) throws IOException {
        Path corrupt = Files.copy(TestFixtures.successor(), dir.resolve("corrupt.gguf"));
        // After magic and version comes the tensor count: make it absurd.
        try (FileChannel ch = FileChannel.open(corrupt, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 2), 8);
        }
        assertThatThrownBy(() -> llama.loadModel(corrupt, TestFixtures.tinyOptions()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("cannot load corrupt.gguf: ")
                .hasMessageNotContaining("llama.cpp could not load it");
        assertEngineStillLoadsAGoodModel();
    }

    @Test
    void progressListenerCanCancelTheLoad() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> llama.loadModel(TestFixtures.successor(),
                TestFixtures.tinyOptions().withProgress(f -> calls.incrementAndGet() < 1)))
                .isInstanceOf(LoadCancelledException.class);
        assertThat(calls).hasValueGreaterThan(0);
        assertEngineStillLoadsAGoodModel();
    }

    private void assertEngineStillLoadsAGoodModel() {
        try (Model m = llama.loadModel(TestFixtures.successor(), TestFixtures.tinyOptions());
             Context c = m.newContext(TestFixtures.tinyOptions())) {
            GenerationResult r = c.generate(m.tokenize("abc", true, false),
                    new GenerateOptions(5, SamplingParams.greedy(), List.of()), GenerationListener.NONE, Cancellation.none());
            assertThat(r.text()).isEqualTo("defgh");
        }
    }
}
