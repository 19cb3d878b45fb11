package dev.karuku.engine.template;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JinjaChatTemplateTest {

    private static JinjaChatTemplate template(String source) {
        return new JinjaChatTemplate(source, "<s>", "</s>", Clock.systemUTC());
    }

    @Test
    void templateThatRaisesGivesItsOwnMessage() {
        JinjaChatTemplate t = template("{% if messages[0].role == 'system' %}{{ raise_exception('No system role, please') }}{% endif %}ok");
        assertThatThrownBy(() -> t.render(List.of(TemplateMessage.of("system", "x")), List.of(), true, Map.of()))
                .isInstanceOf(TemplateException.Raised.class).hasMessage("No system role, please");
        assertThat(t.render(List.of(TemplateMessage.of("user", "x")), List.of(), true, Map.of())).isEqualTo("ok");
    }

    @Test
    void templateTheEngineCannotParseIsUnsupported() {
        JinjaChatTemplate t = template("{% for m in messages %}{{ m.content }}");
        assertThatThrownBy(() -> t.render(List.of(TemplateMessage.of("user", "x")), List.of(), true, Map.of()))
                .isInstanceOf(TemplateException.Unsupported.class);
    }

    @Test
    void pythonStringMethodsBehaveAsInPython() {
        JinjaChatTemplate t = template("{{ messages[0].content.split('</think>')[-1].strip() }}|"
                + "{{ messages[0].content.startswith('<think>') }}|{{ ' a  b '.split() | length }}");
        assertThat(t.render(List.of(TemplateMessage.of("assistant", "<think>hm</think>  Tokyo. ")), List.of(), false, Map.of()))
                .isEqualTo("Tokyo.|true|2");
    }

    @Test
    void dictItemsUnpackIntoKeyAndValue() {
        JinjaChatTemplate t = template("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}|"
                + "{% for k, v in {'a': 1}|items %}{{ k }}={{ v }}{% endfor %}|{% for x in ['p', 'q'] %}{{ x }}{% endfor %}");
        assertThat(t.render(List.of(), List.of(), true, Map.of())).isEqualTo("a=1;b=2;|a=1|pq");
    }

    @Test
    void extraVariablesReachTheTemplate() {
        JinjaChatTemplate t = template("{% if enable_thinking is defined and enable_thinking is false %}no-think{% endif %}");
        assertThat(t.render(List.of(), List.of(), true, Map.of("enable_thinking", false))).isEqualTo("no-think");
    }

    @Test
    void tojsonWritesPythonsJsonDumps() {
        assertThat(PyJson.dumps(Map.of("a", List.of(1L, 2.5, 1e-5, "é\n")), false, null, null, null, false))
                .isEqualTo("{\"a\": [1, 2.5, 1e-05, \"é\\n\"]}");
        assertThat(PyJson.dumps(List.of(1L), false, 2, null, null, false)).isEqualTo("[\n  1\n]");
        assertThat(PyJson.dumps("é", true, null, null, null, false)).isEqualTo("\"\\u00e9\"");
    }
}
