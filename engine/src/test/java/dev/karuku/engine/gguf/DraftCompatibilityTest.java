package dev.karuku.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// A draft model is offered for a model only when its header shows the same vocabulary: the successor at F16 drafts
/// for the successor at F32; a model with other token texts, one other token, another token count or another
/// end-of-text token does not; the model itself (under any path) and files as large as it are never offered.
class DraftCompatibilityTest {
    @TempDir Path dir;

    @Test
    void theSmallerSuccessorDraftsForTheSuccessorAndTheModelItselfIsNotOffered() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor-f32.gguf"));
        Path draft = TestModels.successor(dir.resolve("successor-f16.gguf"), GgmlType.F16);
        Path copy = Files.copy(model, dir.resolve("copy-of-model.gguf"));
        Path link = Files.createSymbolicLink(dir.resolve("link-to-model.gguf"), model);
        Path foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F16);

        List<Path> offered = DraftCompatibility.drafts(model, List.of(model, link, copy, foreign, draft), DraftCompatibility::vocabulary);

        assertThat(offered).as("compatible, smaller, not the model").containsExactly(draft);
        assertThat(DraftCompatibility.problem(model, draft)).isEmpty();
        assertThat(DraftCompatibility.problem(model, link)).hasValueSatisfying(p -> assertThat(p).contains("is the model itself"));
    }

    @Test
    void smallerDraftsComeFirst() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor-f32.gguf"));
        Path big = TestModels.successor(dir.resolve("b-draft.gguf"), GgmlType.F16,
                new ModelShape("llama", 3, 256, 512, 4, 4, 64, 285, 512, false, 0), 0);
        Path small = TestModels.successor(dir.resolve("c-draft.gguf"), GgmlType.F16);
        assertThat(Files.size(small)).isLessThan(Files.size(big));
        assertThat(Files.size(big)).isLessThan(Files.size(model));

        assertThat(DraftCompatibility.drafts(model, List.of(big, small), DraftCompatibility::vocabulary)).containsExactly(small, big);
    }

    @Test
    void aModelWithOtherTokenTextsIsRefusedWithTheFirstTokenThatDiffers() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Path foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F16);

        Optional<String> problem = DraftCompatibility.problem(model, foreign);

        assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("foreign.gguf")
                .contains("reads token 3 as '<|im_start|>'").contains("as '<0x00>'").contains("must share the model's vocabulary"));
        assertThat(DraftCompatibility.drafts(model, List.of(foreign), DraftCompatibility::vocabulary)).isEmpty();
    }

    @Test
    void oneTokenTextThatDiffersIsEnough() throws Exception {
        Path model = TestModels.write(dir.resolve("model.gguf"), ModelShape.successor(), GgmlType.F32);
        Path same = TestModels.write(dir.resolve("same-vocab.gguf"), ModelShape.successor(), GgmlType.F16);
        Path oneOff = TestModels.write(dir.resolve("one-off.gguf"), ModelShape.successor(), GgmlType.F16, w -> {
            List<String> tokens = new ArrayList<>();
            for (GgufValue v : ((GgufValue.Array) w.value("tokenizer.ggml.tokens")).values()) tokens.add(((GgufValue.Str) v).value());
            tokens.set(280, tokens.get(280) + "x");
            w.putStrings("tokenizer.ggml.tokens", tokens);
        });

        assertThat(DraftCompatibility.problem(model, same)).isEmpty();
        assertThat(DraftCompatibility.problem(model, oneOff)).hasValueSatisfying(p -> assertThat(p).contains("reads token 280 as"));
        assertThat(DraftCompatibility.drafts(model, List.of(oneOff, same), DraftCompatibility::vocabulary)).containsExactly(same);
    }

    @Test
    void anotherTokenCountTokenTypeOrEndOfTextTokenIsRefused() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Path thinker = TestModels.thinker(dir.resolve("thinker.gguf"), TestModels.THINKER_TEMPLATE);
        Path plain = TestModels.write(dir.resolve("plain.gguf"), ModelShape.successor(), GgmlType.F32);
        Path otherEos = TestModels.write(dir.resolve("other-eos.gguf"), ModelShape.successor(), GgmlType.F16,
                w -> w.putU32("tokenizer.ggml.eos_token_id", 4));
        Path otherType = TestModels.write(dir.resolve("other-type.gguf"), ModelShape.successor(), GgmlType.F16, w -> {
            int[] types = new int[285];
            List<GgufValue> old = ((GgufValue.Array) w.value("tokenizer.ggml.token_type")).values();
            for (int i = 0; i < types.length; i++) types[i] = (int) ((GgufValue.Int) old.get(i)).value();
            types[4] = TestModels.NORMAL;
            w.putI32s("tokenizer.ggml.token_type", types);
        });

        assertThat(DraftCompatibility.problem(model, thinker)).hasValueSatisfying(p -> assertThat(p).contains("has 287 tokens and successor.gguf has 285"));
        assertThat(DraftCompatibility.problem(plain, otherEos)).hasValueSatisfying(p -> assertThat(p).contains("token 4 as its end-of-text token"));
        assertThat(DraftCompatibility.problem(plain, otherType)).hasValueSatisfying(p -> assertThat(p).contains("another type"));
        assertThat(DraftCompatibility.drafts(plain, List.of(otherEos, otherType), DraftCompatibility::vocabulary)).isEmpty();
    }

    @Test
    void anUnreadableFileIsNotOffered() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        Path junk = Files.writeString(dir.resolve("junk.gguf"), "not a model");
        assertThat(DraftCompatibility.drafts(model, List.of(junk), DraftCompatibility::vocabulary)).isEmpty();
        assertThat(DraftCompatibility.drafts(junk, List.of(model), DraftCompatibility::vocabulary)).isEmpty();
    }
}
