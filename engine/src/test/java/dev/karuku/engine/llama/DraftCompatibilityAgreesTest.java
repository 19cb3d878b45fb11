package dev.karuku.engine.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.gguf.DraftCompatibility;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// What the Load screen decides from headers is what the engine decides on the loaded models: the files it offers as
/// drafts load as drafts, and a file that differs in one token text is refused by both.
class DraftCompatibilityAgreesTest {
    @TempDir Path dir;

    @Test
    void headersAndLoadedModelsAgree() throws Exception {
        Path model = TestFixtures.successor();
        Path draft = SpeculativeFixtures.erring(0);
        Path oneOff = TestModels.write(dir.resolve("one-off.gguf"), ModelShape.successor(), GgmlType.F32, w -> {
            List<String> tokens = new ArrayList<>();
            for (GgufValue v : ((GgufValue.Array) w.value("tokenizer.ggml.tokens")).values()) tokens.add(((GgufValue.Str) v).value());
            tokens.set(280, tokens.get(280) + "x");
            w.putStrings("tokenizer.ggml.tokens", tokens);
        });
        Path plain = TestModels.write(dir.resolve("plain.gguf"), ModelShape.successor(), GgmlType.F32);
        LlamaRuntime rt = LlamaRuntime.load();
        try (Model m = rt.loadModel(model, TestFixtures.tinyOptions()); Model d = rt.loadModel(draft, TestFixtures.tinyOptions());
             Model p = rt.loadModel(plain, TestFixtures.tinyOptions()); Model o = rt.loadModel(oneOff, TestFixtures.tinyOptions())) {
            assertThat(VocabularyMatch.problem(m, d)).isEmpty();
            assertThat(DraftCompatibility.problem(model, draft)).isEmpty();
            assertThat(VocabularyMatch.problem(p, o)).isPresent();
            assertThat(DraftCompatibility.problem(plain, oneOff)).isPresent();
            assertThat(VocabularyMatch.problem(m, p)).isPresent();
            assertThat(DraftCompatibility.problem(model, plain)).isPresent();
        }
    }
}
