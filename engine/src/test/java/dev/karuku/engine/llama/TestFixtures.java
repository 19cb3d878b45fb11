package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.TestModels;

import dev.karuku.engine.settings.LoadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/// The successor model (written by our GGUF writer) and its quantizations, made once per test JVM in a temp dir
/// that is deleted at exit. Tests use one thread (ggml spins while waiting: on a shared, busy 2-core machine a
/// second thread makes decoding hundreds of times slower) and tiny contexts.
public final class TestFixtures {

    private TestFixtures() {}

    private static Path dir;
    private static final Map<FileType, Path> MODELS = new ConcurrentHashMap<>();

    public static LoadOptions tinyOptions() {
        return LoadOptions.of(tinySettings());
    }

    public static LoadSettings tinySettings() {
        return LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(256).withThreads(1).withBatch(256).withUbatch(256);
    }

    public static synchronized Path tempDir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("karuku-llama-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path d = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
        }
        return dir;
    }

    /// The F32 successor model.
    public static synchronized Path successor() {
        return MODELS.computeIfAbsent(FileType.ALL_F32, t -> {
            try {
                return TestModels.successor(tempDir().resolve("successor-f32.gguf"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /// The successor model quantized by the engine to `type`.
    public static synchronized Path successor(FileType type) {
        if (type == FileType.ALL_F32) return successor();
        Path f32 = successor();
        return MODELS.computeIfAbsent(type, t -> LlamaRuntime.load()
                .quantize(f32, tempDir().resolve("successor-" + t.label() + ".gguf"), t, 2, QuantizeListener.NONE).output());
    }

    static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
