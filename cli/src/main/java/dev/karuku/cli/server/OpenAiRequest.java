package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.chat.ChatRole;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.serve.CompletionRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/// One `POST /v1/chat/completions` or `/v1/completions` body, read the way OpenAI reads it: the fields Karuku can
/// honour are checked and translated into a [CompletionRequest]; unknown fields are ignored, as OpenAI's clients
/// expect; a value that cannot be honoured is refused with 400 naming its field.
///
/// @param completion   what to ask the model host
/// @param chat         `chat/completions` (messages) rather than `completions` (a prompt)
/// @param stream       answer with server-sent events
/// @param includeUsage `stream_options.include_usage`: a last chunk with the token counts
record OpenAiRequest(CompletionRequest completion, boolean chat, boolean stream, boolean includeUsage) {

    /// OpenAI's default for the legacy completions endpoint; chat completions default to no limit.
    static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
    private static final int MAX_STOPS = 4;

    static OpenAiRequest parse(JsonNode body, boolean chat, JsonGrammars grammars) throws ApiError {
        if (body == null || !body.isObject()) throw ApiError.invalid(null, "the request body must be a JSON object");
        String model = requiredString(body, "model");
        GenerateOptions generate = new GenerateOptions(maxTokens(body, chat), sampling(body), stops(body));
        CompletionRequest request = chat
                ? CompletionRequest.chat(model, messages(body), generate)
                : CompletionRequest.text(model, prompt(body), generate);
        String grammar = grammar(body.get("response_format"), grammars);
        if (grammar != null) request = request.withGrammar(grammar);
        if (chat) request = request.withTemplateArgs(templateArgs(body.get("chat_template_kwargs")));
        java.time.Duration keepAlive = keepAlive(body.get("keep_alive"));
        if (keepAlive != null) request = request.withKeepAlive(keepAlive);
        JsonNode n = body.get("n");
        if (present(n) && !(n.isIntegralNumber() && n.asLong() == 1))
            throw ApiError.invalid("n", "n must be 1: this server gives one choice per request");
        boolean stream = bool(body, "stream");
        JsonNode options = body.get("stream_options");
        boolean includeUsage = present(options) && options.isObject() && bool(options, "include_usage");
        return new OpenAiRequest(request, chat, stream, includeUsage);
    }

    private static List<ChatMessage> messages(JsonNode body) throws ApiError {
        JsonNode a = body.get("messages");
        if (!present(a)) throw ApiError.invalid("messages", "messages is required");
        if (!a.isArray() || a.isEmpty()) throw ApiError.invalid("messages", "messages must be a non-empty array");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode m = a.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.invalid(where, where + " must be an object");
            JsonNode r = m.get("role");
            if (r == null || !r.isTextual()) throw ApiError.invalid(where + ".role", where + ".role must be a string");
            ChatRole role = switch (r.asText()) {
                case "system", "developer" -> ChatRole.SYSTEM;
                case "user" -> ChatRole.USER;
                case "assistant" -> ChatRole.ASSISTANT;
                default -> throw ApiError.invalid(where + ".role",
                        "role '" + r.asText() + "' is not supported: use system, developer, user or assistant");
            };
            out.add(new ChatMessage(role, content(m.get("content"), where + ".content", role == ChatRole.ASSISTANT)));
        }
        return out;
    }

    /// A string, or an array of parts of which only `text` ones are supported (their texts joined).
    private static String content(JsonNode c, String param, boolean mayBeNull) throws ApiError {
        if (!present(c)) {
            if (mayBeNull) return "";
            throw ApiError.invalid(param, param + " is required");
        }
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : c) {
                JsonNode type = part.get("type");
                if (type == null || !"text".equals(type.asText()) || !part.path("text").isTextual())
                    throw ApiError.invalid(param, "only text content is supported (parts of type 'text')");
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw ApiError.invalid(param, param + " must be a string or an array of text parts");
    }

    private static String prompt(JsonNode body) throws ApiError {
        JsonNode p = body.get("prompt");
        if (!present(p)) throw ApiError.invalid("prompt", "prompt is required");
        if (p.isTextual()) return p.asText();
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) return p.get(0).asText();
        throw ApiError.invalid("prompt", "prompt must be a string (or an array of exactly one string)");
    }

    /// `max_completion_tokens` (the newer name) or `max_tokens`; absent: no limit for chat, 16 for completions.
    private static int maxTokens(JsonNode body, boolean chat) throws ApiError {
        for (String name : List.of("max_completion_tokens", "max_tokens")) {
            JsonNode v = body.get(name);
            if (!present(v)) continue;
            if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE)
                throw ApiError.invalid(name, name + " must be a whole number of at least 1");
            return v.asInt();
        }
        return chat ? 0 : COMPLETIONS_DEFAULT_MAX_TOKENS;
    }

    private static SamplingParams sampling(JsonNode body) throws ApiError {
        SamplingParams s = SamplingParams.defaults();
        Double t = number(body, "temperature", 0, 2);
        if (t != null) s = s.withTemperature(t.floatValue());
        Double p = number(body, "top_p", 0, 1);
        if (p != null) s = p == 0 ? s.withTemperature(0) : s.withTopP(p.floatValue()); // top_p 0 keeps only the best token
        JsonNode seed = body.get("seed");
        if (present(seed)) {
            if (!seed.isIntegralNumber()) throw ApiError.invalid("seed", "seed must be a whole number");
            int low = (int) seed.asLong(); // llama.cpp takes 32 bits; 0xFFFFFFFF would mean "random"
            s = s.withSeed(low == SamplingParams.RANDOM_SEED ? 0 : low);
        }
        Double presence = number(body, "presence_penalty", -2, 2);
        Double frequency = number(body, "frequency_penalty", -2, 2);
        return Penalties.apply(s, presence == null ? 0 : presence.floatValue(), frequency == null ? 0 : frequency.floatValue());
    }

    private static List<String> stops(JsonNode body) throws ApiError {
        JsonNode v = body.get("stop");
        if (!present(v)) return List.of();
        if (v.isTextual()) return List.of(v.asText());
        if (v.isArray() && v.size() <= MAX_STOPS) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : v) {
                if (!s.isTextual()) throw ApiError.invalid("stop", "stop must be a string or an array of strings");
                out.add(s.asText());
            }
            return out;
        }
        throw ApiError.invalid("stop", "stop must be a string or an array of at most " + MAX_STOPS + " strings");
    }

    /// `chat_template_kwargs` (as llama-server names them): extra variables for the model's chat template, such as
    /// `enable_thinking`; booleans, numbers and strings.
    private static java.util.Map<String, Object> templateArgs(JsonNode kwargs) throws ApiError {
        if (!present(kwargs)) return java.util.Map.of();
        if (!kwargs.isObject()) throw ApiError.invalid("chat_template_kwargs", "chat_template_kwargs must be an object");
        java.util.Map<String, Object> args = new java.util.LinkedHashMap<>();
        for (var e : kwargs.properties()) {
            JsonNode v = e.getValue();
            if (v.isBoolean()) args.put(e.getKey(), v.booleanValue());
            else if (v.isIntegralNumber()) args.put(e.getKey(), v.longValue());
            else if (v.isNumber()) args.put(e.getKey(), v.doubleValue());
            else if (v.isTextual()) args.put(e.getKey(), v.textValue());
            else throw ApiError.invalid("chat_template_kwargs." + e.getKey(), "chat_template_kwargs values must be booleans, numbers or strings");
        }
        return args;
    }

    /// The GBNF grammar for `response_format`, or null for plain text.
    private static String grammar(JsonNode format, JsonGrammars grammars) throws ApiError {
        if (!present(format)) return null;
        if (!format.isObject() || !format.path("type").isTextual())
            throw ApiError.invalid("response_format", "response_format must be an object with a type");
        String type = format.get("type").asText();
        if (type.equals("text")) return null;
        if (!type.equals("json_object") && !type.equals("json_schema"))
            throw ApiError.invalid("response_format.type", "response_format type must be text, json_object or json_schema");
        if (grammars == null)
            throw ApiError.invalid("response_format", "response_format " + type + " is not supported by this server");
        if (type.equals("json_object")) return grammars.anyJson();
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject())
            throw ApiError.invalid("response_format.json_schema.schema", "json_schema needs a schema object");
        try {
            return grammars.fromSchema(schema);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("response_format.json_schema.schema", e.getMessage());
        }
    }

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    /// Ollama's `keep_alive`: how long the model stays loaded after this request — seconds as a number, or `30s`,
    /// `5m`, `1h`, `0` (unload right after); a negative value keeps it loaded for as long as the server runs.
    static java.time.Duration keepAlive(JsonNode v) throws ApiError {
        if (!present(v)) return null;
        if (v.isNumber()) {
            if (v.asDouble() < 0) return java.time.Duration.ofDays(36500);
            return java.time.Duration.ofMillis(Math.round(v.asDouble() * 1000));
        }
        String t = v.isTextual() ? v.asText().strip() : "";
        if (t.startsWith("-")) return java.time.Duration.ofDays(36500);
        java.util.regex.Matcher m = DURATION.matcher(t);
        if (!m.matches()) throw ApiError.invalid("keep_alive", "keep_alive must be seconds or a duration such as 30s, 5m, 1h, 0 or -1 (forever)");
        double x = Double.parseDouble(m.group(1));
        long ms = Math.round(switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> x;
            case "m" -> x * 60_000;
            case "h" -> x * 3_600_000;
            default -> x * 1000;
        });
        return java.time.Duration.ofMillis(ms);
    }

    private static String requiredString(JsonNode body, String name) throws ApiError {
        JsonNode v = body.get(name);
        if (!present(v)) throw ApiError.invalid(name, name + " is required");
        if (!v.isTextual() || v.asText().isBlank()) throw ApiError.invalid(name, name + " must be a non-empty string");
        return v.asText();
    }

    private static Double number(JsonNode body, String name, double min, double max) throws ApiError {
        JsonNode v = body.get(name);
        if (!present(v)) return null;
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble()))
            throw ApiError.invalid(name, String.format(Locale.ROOT, "%s must be a number from %s to %s", name, fmt(min), fmt(max)));
        return v.asDouble();
    }

    private static boolean bool(JsonNode o, String name) throws ApiError {
        JsonNode v = o.get(name);
        if (!present(v)) return false;
        if (!v.isBoolean()) throw ApiError.invalid(name, name + " must be true or false");
        return v.asBoolean();
    }

    /// OpenAI's clients send `null` for fields they leave unset: the same as absent.
    private static boolean present(JsonNode v) {
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
