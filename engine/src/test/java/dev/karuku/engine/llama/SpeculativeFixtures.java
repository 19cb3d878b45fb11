package dev.karuku.engine.llama;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/// Draft models for the successor model, written once per test JVM: `erring(k)` maps every k-th letter to the letter
/// after its successor (0: an exact copy, 1: always wrong); `foreignVocabulary()` has as many tokens as the successor
/// but other texts.
final class SpeculativeFixtures {

    private SpeculativeFixtures() {}

    private static final Map<Integer, Path> ERRING = new ConcurrentHashMap<>();
    private static Path foreign;

    static synchronized Path erring(int every) {
        return ERRING.computeIfAbsent(every, k -> {
            try {
                return TestModels.successor(TestFixtures.tempDir().resolve("draft-err" + k + ".gguf"), GgmlType.F32,
                        ModelShape.successor(), k);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static synchronized Path foreignVocabulary() {
        if (foreign == null) {
            try {
                foreign = TestModels.write(TestFixtures.tempDir().resolve("foreign-vocab.gguf"), ModelShape.successor(), GgmlType.F32);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return foreign;
    }
}
