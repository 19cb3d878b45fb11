package dev.karuku.cli;

import static dev.karuku.cli.CliRun.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku template` as a user runs it: the prompt exactly as the model is given it, and a template's refusal as one line.
class TemplateCommandTest {

    private static final ModelShape TINY = new ModelShape("llama", 2, 64, 128, 4, 2, 16, 300, 256, false, 0);
    private static final String GOLDENS = "/dev/karuku/engine/template/";

    @TempDir
    Path dir;

    private Path model(String template) throws IOException {
        return TestModels.write(dir.resolve("m.gguf"), TINY, GgmlType.F32, w -> w.putString("tokenizer.chat_template", template));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TemplateCommandTest.class.getResourceAsStream(GOLDENS + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path chatMessages() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(resource("cases.json"));
        return Files.writeString(dir.resolve("messages.json"), cases.get("conversations").get("chat").toString());
    }

    @Test
    void printsQwen3sPromptByteForByteAsTransformersRendersIt() throws IOException {
        Path m = model(resource("templates/Qwen-Qwen3-0.6B.jinja"));
        CliRun.Result r = run("template", m.toString(), "--messages", chatMessages().toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(resource("goldens/Qwen-Qwen3-0.6B.chat.gen.txt"));

        CliRun.Result noGen = run("template", m.toString(), "--messages", chatMessages().toString(), "--no-generation-prompt", "--json");
        assertThat(noGen.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(noGen.out());
        assertThat(j.get("prompt").asText()).isEqualTo(resource("goldens/Qwen-Qwen3-0.6B.chat.nogen.txt"));
        assertThat(j.get("renderer").asText()).isEqualTo("jinja");
    }

    @Test
    void templateThatRefusesExitsOneWithItsOwnMessageOnOneLine() throws IOException {
        Path m = model(resource("templates/google-gemma-2-2b-it.jinja"));
        CliRun.Result r = run("template", m.toString(), "--messages", chatMessages().toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("karuku: the model's chat template refuses this conversation: System role not supported"
                + System.lineSeparator());
    }

    @Test
    void chatWhoseTemplateRefusesTheSystemPromptSaysSoAndOffersToMoveIt() throws IOException {
        Path m = model(resource("templates/google-gemma-2-2b-it.jinja").replace("<start_of_turn>", "<|im_start|>")
                .replace("<end_of_turn>", "<|im_end|>"));
        java.io.InputStream oldIn = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("hi\ny\nhi\n/exit\n".getBytes(StandardCharsets.UTF_8)));
            CliRun.Result r = run("chat", m.toString(), "--system", "be brief", "-n", "2", "--ctx", "256", "--threads", "1",
                    "--gpu-layers", "0", "--temperature", "0");
            assertThat(r.code()).isZero();
            assertThat(r.err()).contains("karuku: System role not supported")
                    .contains("Put the system prompt at the start of your first message instead? [y/N]")
                    .contains("Done: send your message again.");
            // The second "hi" got a reply: no second refusal.
            assertThat(r.err().split("System role not supported", -1)).hasSize(2);
        } finally {
            System.setIn(oldIn);
        }
    }

    @Test
    void templateTheEngineCannotRunFallsBackToLlamaCppAndSaysSo() throws IOException {
        Path m = model("{% for message in messages %}<|im_start|>{{ message.content }}");
        Path msgs = Files.writeString(dir.resolve("one.json"), "[{\"role\": \"user\", \"content\": \"hi\"}]");
        CliRun.Result r = run("template", m.toString(), "--messages", msgs.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(r.err()).contains("cannot be rendered").contains("llama.cpp's built-in format");
    }
}
