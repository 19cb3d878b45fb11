package dev.karuku.engine.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import jinjava.javax.el.CompositeELResolver;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/// A model's own chat template (`tokenizer.chat_template`, Jinja) rendered the way Hugging Face's `transformers`
/// renders it, so the model is given exactly the prompt format its authors trained it on.
///
/// The engine is Jinjava set up like `transformers`' `render_jinja_template`: `trim_blocks` and `lstrip_blocks`,
/// loop controls, `namespace`, Python's `json.dumps` as `tojson`, `raise_exception`, `strftime_now`, and the Python
/// string and dict methods templates call ([PyMethods]). The golden tests render real templates of many model
/// families and compare the text byte for byte with Python's `jinja2`.
public final class JinjaChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<RenderState> STATE = new ThreadLocal<>();

    private final String source;
    private final String prepared;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final Jinjava jinjava;

    /// @param bosToken text of the model's BOS token ("" when it has none), as templates read `bos_token`
    /// @param clock what `strftime_now` reads (Llama 3.x and gpt-oss write today's date into the system header)
    public JinjaChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        // jinja2 drops one newline at the very end of a template (keep_trailing_newline=False).
        String text = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        this.source = text;
        // Two Python constructs Jinjava reads otherwise: keyword values of namespace(…) and reversing slices.
        this.prepared = KeywordArguments.parenthesize(text, "namespace(").replace("[::-1]", "|reverse");
        this.bosToken = Objects.requireNonNullElse(bosToken, "");
        this.eosToken = Objects.requireNonNullElse(eosToken, "");
        this.clock = clock;
        this.jinjava = engine();
    }

    public String source() {
        return source;
    }

    /// The prompt for `messages` (OpenAI chat format), offering `tools` (OpenAI function schemas, empty for none);
    /// with `addGenerationPrompt` it ends where the assistant's reply begins. `extra` adds variables some templates
    /// read (`enable_thinking`, `reasoning_effort`, …).
    ///
    /// @throws TemplateException.Raised when the template refuses the conversation (its own message)
    /// @throws TemplateException.Unsupported when the engine cannot parse or run the template
    public String render(List<TemplateMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt,
                         Map<String, Object> extra) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("messages", messages.stream().map(JinjaChatTemplate::messageMap).toList());
        vars.put("tools", tools == null || tools.isEmpty() ? null : tools.stream().map(JinjaChatTemplate::plain).toList());
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        // Templates test `strftime_now is defined` before calling it (Llama 3.2); Jinjava's functions are no variables.
        vars.put("strftime_now", true);
        vars.put("raise_exception", true);
        if (extra != null) vars.putAll(extra);
        RenderState state = new RenderState(LocalDateTime.now(clock));
        STATE.set(state);
        RenderResult result;
        try {
            result = jinjava.renderForResult(prepared, vars);
        } catch (RuntimeException e) {
            if (state.raised != null) throw new TemplateException.Raised(state.raised);
            throw new TemplateException.Unsupported("the chat template cannot be rendered: " + e.getMessage(), e);
        } finally {
            STATE.remove();
        }
        if (state.raised != null) throw new TemplateException.Raised(state.raised);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL)
                throw new TemplateException.Unsupported("the chat template cannot be rendered: " + e.getMessage()
                        + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : ""), e.getException());
        }
        return result.getOutput();
    }

    private static Map<String, Object> messageMap(TemplateMessage m) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role());
        map.put("content", m.content());
        if (m.reasoningContent() != null) map.put("reasoning_content", m.reasoningContent());
        if (!m.toolCalls().isEmpty()) map.put("tool_calls", m.toolCalls().stream().map(JinjaChatTemplate::plain).toList());
        if (m.name() != null) map.put("name", m.name());
        if (m.toolCallId() != null) map.put("tool_call_id", m.toolCallId());
        return map;
    }

    /// JSON as the plain maps, lists, strings, numbers and booleans a template reads, in document order.
    static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.longValue();
        if (n.isNumber()) return n.doubleValue();
        return n.asText();
    }

    private static Jinjava engine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .withElResolver(resolver)
                .withMaxOutputSize(64L << 20)
                .withLegacyOverrides(LegacyOverrides.newBuilder() // Python Jinja's semantics wherever Jinjava has a switch
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withUseNaturalOperatorPrecedence(false)
                        .withParseWhitespaceControlStrictly(true)
                        .withAllowAdjacentTextNodes(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        Jinjava j = new Jinjava(config);
        try {
            j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    JinjaChatTemplate.class.getDeclaredMethod("raiseException", Object.class)));
            j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                    JinjaChatTemplate.class.getDeclaredMethod("strftimeNow", String.class)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        j.getGlobalContext().registerFilter(new ToJson());
        j.getGlobalContext().registerFilter(new Items());
        j.getGlobalContext().registerFilter(new Trim());
        return j;
    }

    /// `raise_exception(message)`: the template refuses the conversation.
    public static Object raiseException(Object message) {
        RenderState s = STATE.get();
        String text = String.valueOf(message);
        if (s != null && s.raised == null) s.raised = text;
        throw new IllegalStateException(text);
    }

    /// `strftime_now(format)`: the render's clock in a Python `strftime` format.
    public static String strftimeNow(String format) {
        RenderState s = STATE.get();
        return Strftime.format(s == null ? LocalDateTime.now() : s.now, format);
    }

    private static final class RenderState {
        final LocalDateTime now;
        String raised;

        RenderState(LocalDateTime now) {
            this.now = now;
        }
    }

    /// `items`: a mapping's (key, value) pairs, as `dict.items()` gives them (Hermes and Qwen3-Coder list tool
    /// parameters with it).
    private static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return var instanceof Map<?, ?> m ? PyMethods.items(m) : List.of();
        }
    }

    /// `trim` as Jinja2's: an undefined value trims to "" (Jinjava's gives null, which `+` writes as "null").
    private static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) return "";
            String s = var.toString();
            if (args.length == 0 || args[0] == null) return s.strip();
            int b = 0, e = s.length();
            while (b < e && args[0].indexOf(s.charAt(b)) >= 0) b++;
            while (e > b && args[0].indexOf(s.charAt(e - 1)) >= 0) e--;
            return s.substring(b, e);
        }
    }

    /// `tojson` as `transformers` defines it: `json.dumps(x, ensure_ascii=False, indent=…, separators=…,
    /// sort_keys=…)`.
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Map<String, Object> named = new java.util.HashMap<>(kwargs);
            List<Object> positional = new ArrayList<>();
            for (Object a : args) {
                if (a instanceof NamedParameter p) named.put(p.getName(), p.getValue());
                else positional.add(a);
            }
            kwargs = named;
            Object indent = kwargs.getOrDefault("indent", positional.isEmpty() ? null : positional.getFirst());
            Object ascii = kwargs.getOrDefault("ensure_ascii", false);
            Object sort = kwargs.getOrDefault("sort_keys", false);
            Object seps = kwargs.get("separators");
            String item = null, key = null;
            if (seps instanceof List<?> l && l.size() == 2) {
                item = String.valueOf(l.get(0));
                key = String.valueOf(l.get(1));
            }
            return PyJson.dumps(var, Boolean.TRUE.equals(ascii), indent == null ? null : ((Number) indent).intValue(),
                    item, key, Boolean.TRUE.equals(sort));
        }
    }
}
