package dev.karuku.engine.chat;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.JsonGrammar;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// A reasoning model on llama.cpp (the thinker test model, whose thinking and answer are known): its thinking is
/// kept apart from the answer, `enable_thinking` switches it off through the template, a template that opens the
/// thinking itself still gives the listener both tags, and a grammar holds a reply to JSON.
class ThinkingChatTest {
    @TempDir Path dir;
    private static final GenerateOptions GREEDY = new GenerateOptions(32, SamplingParams.greedy(), List.of());

    LoadedModel open(String template) throws Exception {
        Path file = TestModels.thinker(dir.resolve("thinker.gguf"), template);
        return LoadedModel.open(LlamaRuntime.load(), file, LoadOptions.of(TestFixtures.tinySettings().withContextLength(512))).join();
    }

    @Test
    void theThinkingIsKeptApartAndTheTemplateLeavesItOutOfTheNextTurn() throws Exception {
        try (LoadedModel model = open(TestModels.THINKER_TEMPLATE)) {
            ChatSession chat = new ChatSession(model, null);
            assertThat(chat.template().isModelTemplate()).isTrue();
            assertThat(chat.template().offersThinkingSwitch()).isTrue();
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = chat.send("?", GREEDY, text(streamed)).result().join();
            assertThat(r.text()).isEqualTo("<think>abcde</think>xyz");
            ThinkingText split = ThinkingText.of(streamed.toString());
            assertThat(split.thinking()).isEqualTo("abcde");
            assertThat(split.answer()).isEqualTo("xyz");
            assertThat(chat.messages().get(1)).isEqualTo(ChatMessage.assistant("xyz", "abcde"));
            // the next turn's prompt: the template leaves the thinking out
            assertThat(chat.template().apply(List.of(ChatMessage.user("?"), chat.messages().get(1), ChatMessage.user("?")), true))
                    .isEqualTo("?xyz?");
        }
    }

    @Test
    void enableThinkingFalseAnswersAtOnce() throws Exception {
        try (LoadedModel model = open(TestModels.THINKER_TEMPLATE)) {
            ChatSession chat = new ChatSession(model, null);
            chat.setTemplateArgs(Map.of("enable_thinking", false));
            GenerationResult r = chat.send("?", GREEDY, GenerationListener.NONE).result().join();
            assertThat(r.text()).isEqualTo("xyz");
        }
    }

    @Test
    void aTemplateThatOpensTheThinkingStillGivesTheListenerItsOpeningTag() throws Exception {
        try (LoadedModel model = open(TestModels.OPENS_THINKING_TEMPLATE)) {
            ChatSession chat = new ChatSession(model, null);
            assertThat(chat.template().offersThinkingSwitch()).isFalse();
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = chat.send("m", GREEDY, text(streamed)).result().join();
            assertThat(r.text()).isEqualTo("abcde</think>xyz");
            ThinkingText split = ThinkingText.of(streamed.toString());
            assertThat(split.thinking()).isEqualTo("abcde");
            assertThat(split.answer()).isEqualTo("xyz");
            assertThat(chat.messages().get(1).reasoning()).isEqualTo("abcde");
        }
    }

    @Test
    void aGrammarHoldsTheReplyToTheSchema() throws Exception {
        try (LoadedModel model = open(TestModels.THINKER_TEMPLATE)) {
            ChatSession chat = new ChatSession(model, null);
            var schema = new ObjectMapper().readTree("""
                    {"type":"object","properties":{"word":{"type":"string","enum":["abc","xyz"]}},"required":["word"]}""");
            GenerationResult r = chat.send("?", GREEDY.withMaxTokens(400), JsonGrammar.fromSchema(schema), GenerationListener.NONE).result().join();
            var json = new ObjectMapper().readTree(r.text());
            assertThat(json.get("word").asText()).isIn("abc", "xyz");
            assertThat(json.size()).isEqualTo(1);
        }
    }

    private static GenerationListener text(StringBuilder into) {
        return new GenerationListener() {
            @Override public void onText(String piece) { into.append(piece); }
        };
    }
}
