package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.gguf.FileType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The known-answer model through the whole pipeline: our GGUF writer → llama.cpp's quantizer (through the
/// engine) → load → tokenize → decode → sample → detokenize. Only a correct pipeline continues the alphabet.
class SuccessorModelTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FileType.class, names = {"MOSTLY_Q4_K_M", "MOSTLY_Q5_K_S", "MOSTLY_IQ3_S"})
    void quantizedModelContinuesTheAlphabet(FileType type) {
        LlamaRuntime llama = LlamaRuntime.load();
        try (Model model = llama.loadModel(TestFixtures.successor(type), TestFixtures.tinyOptions());
             Context ctx = model.newContext(TestFixtures.tinyOptions())) {
            assertThat(model.meta("general.file_type")).contains(String.valueOf(type.id()));
            List<String> pieces = new ArrayList<>();
            int[] prompt = model.tokenize("abc", true, false);
            GenerationResult r = ctx.generate(prompt,
                    new GenerateOptions(20, SamplingParams.greedy(), List.of()), pieces::add, Cancellation.none());
            assertThat(r.text()).startsWith("defghijklmnopqrstuvw");
            assertThat(String.join("", pieces)).isEqualTo(r.text());
            assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
            assertThat(r.stats().generatedTokens()).isEqualTo(20);
            assertThat(r.stats().promptTokens()).isEqualTo(prompt.length);
            assertThat(ctx.cachedTokenCount()).isEqualTo(prompt.length + 19); // the 20th token is sampled, not evaluated
            assertThat(r.stats().tokensPerSecond()).isPositive();
        }
    }

    @Test
    void modelInfoReportsTheSuccessorShape() {
        try (Model model = LlamaRuntime.load().loadModel(TestFixtures.successor(), TestFixtures.tinyOptions())) {
            ModelInfo info = model.info();
            assertThat(info.layers()).isEqualTo(2);
            assertThat(info.embedding()).isEqualTo(256);
            assertThat(info.heads()).isEqualTo(4);
            assertThat(info.kvHeads()).isEqualTo(4);
            assertThat(info.trainingContext()).isEqualTo(512);
            assertThat(info.vocabSize()).isEqualTo(285);
            assertThat(info.parameters()).isPositive();
            assertThat(info.sizeBytes()).isPositive();
            assertThat(info.metadata()).containsEntry("general.architecture", "llama");
            assertThat(model.detokenize(model.tokenize("hello", false, false))).endsWith("hello");
        }
    }

    @Test
    void japaneseSpelledInByteTokensStreamsAsWholeCharacters() {
        try (Model model = LlamaRuntime.load().loadModel(TestFixtures.successor(), TestFixtures.tinyOptions())) {
            String text = "日本語のテキスト、かるく";
            int[] tokens = model.tokenize(text, false, false);
            assertThat(tokens.length).isGreaterThan(text.length() * 3 - 1); // 3 byte tokens per character
            Utf8Accumulator utf8 = new Utf8Accumulator();
            StringBuilder streamed = new StringBuilder();
            for (int t : tokens) {
                String piece = utf8.append(model.tokenBytes(t));
                assertThat(piece).doesNotContain("\uFFFD");
                streamed.append(piece);
            }
            assertThat(utf8.isEmpty()).isTrue();
            assertThat(streamed.toString()).endsWith(text);
            assertThat(model.detokenize(tokens)).endsWith(text);
        }
    }
}
