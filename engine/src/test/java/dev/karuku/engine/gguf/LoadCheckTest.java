package dev.karuku.engine.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/// Metadata llama.cpp would abort on is refused with the key and the reason; the models it loads pass.
class LoadCheckTest {

    @TempDir
    Path dir;

    static List<HostileModels> hostile() {
        return HostileModels.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void metadataThatWouldAbortLlamaCppIsRefusedNamingTheKey(HostileModels h) throws Exception {
        Path path = h.write(dir);
        GgufException e = catchThrowableOfType(GgufException.class, () -> LoadCheck.check(GgufReader.read(path)));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).contains(h.key());
        if (e.kind() != GgufException.Kind.BAD_SHAPE) { // empty tensors the reader refuses already
            assertThat(e.kind()).isEqualTo(GgufException.Kind.UNLOADABLE);
            assertThat(e.getMessage()).endsWith("(llama.cpp would crash on it)");
        }
    }

    @Test
    void theIssuesExampleSaysThereAreNoExperts() throws Exception {
        HostileModels h = HostileModels.all().getFirst();
        assertThat(LoadCheck.problem(GgufReader.read(h.write(dir)).metadata())).hasValue(
                "llama.expert_used_count is 1 but the model has no experts (llama.expert_count is missing or 0)"
                        + " (llama.cpp would crash on it)");
    }

    @Test
    void everyArchitectureTheTestModelsWritePasses() throws Exception {
        assertThatCode(() -> LoadCheck.check(GgufReader.read(TestModels.successor(dir.resolve("s.gguf"))))).doesNotThrowAnyException();
        for (ModelShape shape : List.of(HostileModels.LLAMA, HostileModels.QWEN3, HostileModels.QWEN3MOE,
                new ModelShape("qwen2", 2, 64, 128, 4, 2, 16, 300, 256, false, 0),
                new ModelShape("gemma3", 2, 64, 128, 2, 1, 64, 300, 256, true, 32))) {
            Path f = TestModels.write(dir.resolve(shape.architecture() + ".gguf"), shape, GgmlType.F32);
            assertThatCode(() -> LoadCheck.check(GgufReader.read(f))).as(shape.architecture()).doesNotThrowAnyException();
        }
    }

    @Test
    void aDflashDraftOnDeepSeekV4StagesNeedsOutputGroupsAndAWindow() {
        assertThat(LoadCheck.problem(dflash(4, 0, 128))).hasValueSatisfying(p -> assertThat(p).contains("dflash.attention.output_group_count is 0"));
        assertThat(LoadCheck.problem(dflash(4, 2, 0))).hasValueSatisfying(p -> assertThat(p).contains("dflash.attention.sliding_window is 0"));
        assertThat(LoadCheck.problem(dflash(4, 2, 128))).isEmpty();
        assertThat(LoadCheck.problem(dflash(0, 0, 0))).isEmpty(); // without V4 stages neither key is read
    }

    private static GgufMetadata dflash(long hyperConnections, long outputGroups, long window) {
        var values = new java.util.LinkedHashMap<String, GgufValue>();
        values.put("general.architecture", new GgufValue.Str("dflash"));
        values.put("dflash.block_count", new GgufValue.Int(GgufValue.Type.UINT32, 2));
        values.put("dflash.hyper_connection.count", new GgufValue.Int(GgufValue.Type.UINT32, hyperConnections));
        values.put("dflash.attention.output_group_count", new GgufValue.Int(GgufValue.Type.UINT32, outputGroups));
        values.put("dflash.attention.sliding_window", new GgufValue.Int(GgufValue.Type.UINT32, window));
        return new GgufMetadata(values);
    }

    @Test
    void perLayerExpertCountsAreCheckedLayerByLayer() throws Exception {
        Path f = TestModels.write(dir.resolve("m.gguf"), HostileModels.QWEN3MOE, GgmlType.F32,
                w -> w.putI32s("qwen3moe.expert_used_count", new int[] {2, 9}));
        assertThat(LoadCheck.problem(GgufReader.read(f).metadata())).get().asString()
                .startsWith("qwen3moe.expert_used_count is 9, more than the 4 experts");
    }
}
