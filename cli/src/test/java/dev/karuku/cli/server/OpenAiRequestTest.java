package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.chat.ChatMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// How OpenAI's request fields become a completion: what is honoured, what is refused with 400 and its field.
class OpenAiRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonGrammars GRAMMARS = JsonGrammars.of(() -> "root ::= object",
            schema -> "root ::= \"" + schema.path("type").asText() + "\"");

    private static OpenAiRequest chat(String json, JsonGrammars grammars) throws Exception {
        return OpenAiRequest.parse(JSON.readTree(json), true, grammars);
    }

    private static JsonNode tree(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void chatFieldsBecomeMessagesLimitsSamplingAndStops() throws Exception {
        OpenAiRequest r = chat("""
                {"model":"m","messages":[{"role":"developer","content":"be brief"},
                 {"role":"user","content":[{"type":"text","text":"ab"},{"type":"text","text":"c"}]},
                 {"role":"assistant","content":null},{"role":"user","content":"more"}],
                 "max_tokens":50,"max_completion_tokens":7,"temperature":0,"top_p":0.5,"seed":42,"stop":["x","y"],
                 "stream":true,"stream_options":{"include_usage":true},"n":1,"presence_penalty":0.5}""", null);
        assertThat(r.completion().messages()).containsExactly(ChatMessage.system("be brief"), ChatMessage.user("abc"),
                ChatMessage.assistant(""), ChatMessage.user("more"));
        assertThat(r.completion().generate().maxTokens()).isEqualTo(7); // the newer name wins
        assertThat(r.completion().generate().sampling().isGreedy()).isTrue();
        assertThat(r.completion().generate().sampling().topP()).isEqualTo(0.5f);
        assertThat(r.completion().generate().sampling().seed()).isEqualTo(42);
        assertThat(r.completion().generate().stopStrings()).containsExactly("x", "y");
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.completion().grammar()).isNull();
        assertThat(r.completion().generate().sampling().presencePenalty()).isEqualTo(0.5f); // reaches the sampler
        assertThat(r.completion().keepAlive()).isNull(); // the server's own keep-alive
    }

    @Test
    void keepAliveAsOllamaTakesIt() throws Exception {
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"keep_alive\":";
        assertThat(chat(base + "0}", null).completion().keepAlive()).isZero();
        assertThat(chat(base + "\"90s\"}", null).completion().keepAlive()).hasSeconds(90);
        assertThat(chat(base + "\"5m\"}", null).completion().keepAlive()).hasMinutes(5);
        assertThat(chat(base + "-1}", null).completion().keepAlive()).isGreaterThan(java.time.Duration.ofDays(3650));
        assertThatThrownBy(() -> chat(base + "\"soon\"}", null)).isInstanceOf(ApiError.class).hasMessageContaining("keep_alive");
    }

    @Test
    void chatTemplateKwargsReachTheTemplateAsLlamaServerTakesThem() throws Exception {
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(chat(base + ",\"chat_template_kwargs\":{\"enable_thinking\":false,\"depth\":2,\"style\":\"terse\"}}", null)
                .completion().templateArgs()).containsOnly(java.util.Map.entry("enable_thinking", false),
                java.util.Map.entry("depth", 2L), java.util.Map.entry("style", "terse"));
        assertThat(chat(base + "}", null).completion().templateArgs()).isEmpty();
        assertThatThrownBy(() -> chat(base + ",\"chat_template_kwargs\":[1]}", null)).isInstanceOf(ApiError.class)
                .hasMessageContaining("chat_template_kwargs");
    }

    @Test
    void withoutALimitChatRunsToTheEndAndCompletionsStopAtOpenAisSixteen() throws Exception {
        assertThat(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", null)
                .completion().generate().maxTokens()).isZero();
        OpenAiRequest text = OpenAiRequest.parse(tree("{\"model\":\"m\",\"prompt\":[\"abc\"],\"max_tokens\":null}"), false, null);
        assertThat(text.completion().prompt()).isEqualTo("abc");
        assertThat(text.completion().generate().maxTokens()).isEqualTo(16);
    }

    @Test
    void responseFormatBecomesAGrammar() throws Exception {
        String messages = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(chat("{" + messages + ",\"response_format\":{\"type\":\"json_object\"}}", GRAMMARS).completion().grammar())
                .isEqualTo("root ::= object");
        assertThat(chat("{" + messages + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"n\","
                + "\"schema\":{\"type\":\"array\"}}}}", GRAMMARS).completion().grammar()).isEqualTo("root ::= \"array\"");
        assertThat(chat("{" + messages + ",\"response_format\":{\"type\":\"text\"}}", GRAMMARS).completion().grammar()).isNull();
        assertThatThrownBy(() -> chat("{" + messages + ",\"response_format\":{\"type\":\"json_object\"}}", null))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("response_format");
                });
        JsonGrammars refusing = JsonGrammars.of(() -> "", s -> {
            throw new IllegalArgumentException("patternProperties is not supported");
        });
        assertThatThrownBy(() -> chat("{" + messages + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"schema\":{\"type\":\"object\"}}}}", refusing))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("patternProperties"));
    }

    @Test
    void valuesThatCannotBeHonouredAreRefusedNamingTheirField() {
        String base = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        record Case(String extra, String param) {}
        for (Case c : new Case[]{
                new Case("\"n\":2", "n"),
                new Case("\"max_tokens\":0", "max_tokens"),
                new Case("\"temperature\":\"hot\"", "temperature"),
                new Case("\"top_p\":1.5", "top_p"),
                new Case("\"presence_penalty\":3", "presence_penalty"),
                new Case("\"frequency_penalty\":-2.5", "frequency_penalty"),
                new Case("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop"),
                new Case("\"stream\":\"yes\"", "stream"),
                new Case("\"seed\":1.5", "seed")}) {
            assertThatThrownBy(() -> chat("{" + base + "," + c.extra() + "}", null)).as(c.extra())
                    .isInstanceOfSatisfying(ApiError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isEqualTo(c.param());
                    });
        }
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", null))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("messages[0].role"));
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}", null))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("messages[0].content"));
        assertThatThrownBy(() -> chat("{\"messages\":[]}", null))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("model"));
        assertThatThrownBy(() -> chat("[1,2]", null)).isInstanceOf(ApiError.class);
    }
}
