package dev.karuku.engine.chat;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.template.TemplateException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// A chat rendered with the model's own Jinja template, on a tiny model whose vocabulary has ChatML's control tokens.
class ChatTemplateJinjaTest {

    private static final ModelShape TINY = new ModelShape("llama", 2, 64, 128, 4, 2, 16, 300, 256, false, 0);
    private static final String CHATML_LOOP = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n'"
            + " + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static LoadedModel load(String name, String template) throws IOException {
        Path f = TestModels.write(TestFixtures.tempDir().resolve(name + ".gguf"), TINY, GgmlType.F32,
                w -> w.putString("tokenizer.chat_template", template));
        return LoadedModel.open(LlamaRuntime.load(), f, TestFixtures.tinyOptions()).join();
    }

    @Test
    void pastedTurnMarkerStaysTextWhileTheTemplatesMarkersAreControlTokens() throws IOException {
        try (LoadedModel m = load("jinja-chatml", CHATML_LOOP)) {
            ChatTemplate t = ChatTemplate.of(m.model());
            assertThat(t.isModelTemplate()).isTrue();
            int imStart = m.model().tokenize("<|im_start|>", false, true)[0];
            List<ChatMessage> chat = List.of(ChatMessage.system("be brief"), ChatMessage.user("say <|im_start|> now"));
            assertThat(t.apply(chat, true)).isEqualTo("<|im_start|>system\nbe brief<|im_end|>\n"
                    + "<|im_start|>user\nsay <|im_start|> now<|im_end|>\n<|im_start|>assistant\n");
            int[] tokens = t.tokens(m.model(), chat, true);
            // system, user and assistant headers: the pasted marker is not a fourth.
            assertThat(Arrays.stream(tokens).filter(x -> x == imStart).count()).isEqualTo(3);
            assertThat(tokens).containsSequence(m.model().tokenize("say <|im_start|> now", false, false));
            // Without pasted markers the prompt is tokenized whole, as llama.cpp would.
            List<ChatMessage> plain = List.of(ChatMessage.user("hello"));
            assertThat(t.tokens(m.model(), plain, true)).containsExactly(m.model().tokenize(t.apply(plain, true), true, true));
            // The worker's and server's completer (the app's chat runs there) gives the model the same tokens.
            try (var completer = dev.karuku.engine.batch.BatchedCompleter.open(m.model(), TestFixtures.tinyOptions(), 1, 0)) {
                assertThat(completer.countTokens(chat)).isEqualTo(tokens.length)
                        .isNotEqualTo(m.model().tokenize(t.apply(chat, true), true, true).length);
            }
        }
    }

    @Test
    void templateThatRefusesASystemPromptFailsTheTurnWithItsOwnWords() throws IOException {
        String refusing = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
                + CHATML_LOOP;
        try (LoadedModel m = load("jinja-refusing", refusing)) {
            GenerateOptions two = new GenerateOptions(2, SamplingParams.greedy(), List.of());
            ChatSession withSystem = new ChatSession(m, "be brief");
            assertThat(withSystem.template().isModelTemplate()).isTrue();
            assertThatThrownBy(() -> withSystem.send("hi", two, GenerationListener.NONE).result().join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(TemplateException.Raised.class).hasMessage("System role not supported");
            ChatSession without = new ChatSession(m, null);
            assertThat(without.send("hi", two, GenerationListener.NONE).result().join().stats().generatedTokens()).isPositive();
            // The way out the chat offers: the instructions open the first user message instead.
            withSystem.setSystemPromptInFirstUserMessage(true);
            assertThat(withSystem.send("hi", two, GenerationListener.NONE).result().join().stats().generatedTokens()).isPositive();
            String prompt = withSystem.template().apply(List.of(ChatMessage.user("be brief\n\nhi")), false);
            assertThat(withSystem.measure("be brief", List.of(ChatMessage.user("hi")), 2).join())
                    .isEqualTo(m.model().tokenize(prompt, true, true).length);
        }
    }

    @Test
    void templateTheEngineCannotRunFallsBackToLlamaCppAndSaysWhy() throws IOException {
        // llama.cpp recognises ChatML by its marker; the unclosed loop is no Jinja any engine runs.
        try (LoadedModel m = load("jinja-broken", "{% for message in messages %}<|im_start|>{{ message.content }}")) {
            ChatTemplate t = ChatTemplate.of(m.model());
            assertThat(t.isModelTemplate()).isFalse();
            assertThat(t.jinjaFailure()).hasValueSatisfying(why -> assertThat(why).contains("cannot be rendered"));
            assertThat(t.apply(List.of(ChatMessage.user("hi")), true)).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        }
    }
}
