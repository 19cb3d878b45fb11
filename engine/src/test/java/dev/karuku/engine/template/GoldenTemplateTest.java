package dev.karuku.engine.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Real chat templates of many model families (Qwen3, Qwen2.5, QwQ, Qwen3-Coder, Gemma 2 and 4, Llama 3.1/3.2/3.3,
/// Mistral Nemo and Small 3.2, Phi-3.5, DeepSeek-R1 distills, gpt-oss, SmolLM3, Granite 3.3, Hermes 3), rendered with fixed conversations and compared byte for byte with what Python's
/// `jinja2`, set up as `transformers` sets it up, wrote (`make-goldens.py` beside the resources).
class GoldenTemplateTest {

    private static final String DIR = "/dev/karuku/engine/template/";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    List<DynamicTest> everyTemplateRendersAsJinja2Does() throws IOException {
        JsonNode cases = JSON.readTree(resource("cases.json"));
        Clock clock = Clock.fixed(LocalDateTime.parse(cases.get("now").asText()).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        List<JsonNode> tools = new ArrayList<>();
        cases.get("tools").forEach(tools::add);
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : cases.get("templates").properties()) {
            String name = t.getKey();
            JsonNode spec = t.getValue();
            JinjaChatTemplate template = new JinjaChatTemplate(resource("templates/" + name + ".jinja"),
                    spec.get("bos_token").asText(), spec.get("eos_token").asText(), clock);
            for (JsonNode c : spec.get("cases")) {
                String conv = c.asText();
                List<TemplateMessage> messages = new ArrayList<>();
                cases.get("conversations").get(conv).forEach(m -> messages.add(TemplateMessage.fromJson(m)));
                for (boolean gen : new boolean[] {true, false}) {
                    String stem = "goldens/" + name + "." + conv + "." + (gen ? "gen" : "nogen");
                    tests.add(DynamicTest.dynamicTest(spec.get("family").asText() + " " + stem, () -> {
                        String expected = optionalResource(stem + ".txt");
                        List<JsonNode> offered = conv.equals("tools") ? tools : List.of();
                        if (expected != null) {
                            String actual;
                            try {
                                actual = template.render(messages, offered, gen, Map.of());
                            } catch (RuntimeException e) {
                                keep(stem, e.toString());
                                throw e;
                            }
                            if (!actual.equals(expected)) keep(stem, actual);
                            assertThat(actual).isEqualTo(expected);
                        } else {
                            String error = resource(stem + ".error");
                            assertThatThrownBy(() -> template.render(messages, offered, gen, Map.of()))
                                    .isInstanceOf(TemplateException.Raised.class).hasMessage(error);
                        }
                    }));
                }
            }
        }
        return tests;
    }

    /// Keeps a mismatching rendering under target/ to diff against the golden.
    private static void keep(String stem, String actual) throws IOException {
        java.nio.file.Path p = java.nio.file.Path.of("target", "golden-actual", stem + ".txt");
        java.nio.file.Files.createDirectories(p.getParent());
        java.nio.file.Files.writeString(p, actual);
    }

    static String resource(String name) throws IOException {
        String s = optionalResource(name);
        if (s == null) throw new IOException("no test resource " + name);
        return s;
    }

    static String optionalResource(String name) throws IOException {
        try (InputStream in = GoldenTemplateTest.class.getResourceAsStream(DIR + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
