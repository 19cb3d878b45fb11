package dev.karuku.engine.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// GBNF grammars (llama.cpp's grammar sampler, root rule `root`) that only let a model write JSON: any JSON object
/// for OpenAI's `response_format: json_object`, or a value matching a JSON schema for `json_schema`.
///
/// The schema subset is what structured-output clients send: `type` (one or a list), `object` with `properties`,
/// `required` and `additionalProperties` (absent or false: only the listed keys; true or a schema: more keys),
/// `array` with `items`, `minItems`, `maxItems`; `string` with `enum`, `const`, `minLength`, `maxLength`;
/// `number`, `integer` (`minimum` 0 or more allowed: no minus sign), `boolean`, `null`; `anyOf`/`oneOf`;
/// `$ref` to `#/$defs/…` or `#/definitions/…` (recursion allowed). Keywords that would let the output break the
/// schema are refused with a message that names them (`pattern`, `allOf`, `not`, numeric bounds, remote refs…);
/// annotations (`title`, `description`, `format`, `default`, `examples`, `$schema`) are ignored. Keys come in the
/// order the schema lists them, required ones first. Between tokens the grammar allows the whitespace of
/// pretty-printed JSON (at most two newlines and twenty spaces or tabs), so a model can never spin on blanks.
///
/// Pure Java and thread-safe; learnt from llama.cpp's `json-schema-to-grammar`, written anew.
public final class JsonGrammar {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();

    static {
        PRIMITIVES.put("space", "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}");
        PRIMITIVES.put("char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        PRIMITIVES.put("string", "\"\\\"\" char* \"\\\"\" space");
        PRIMITIVES.put("integral-part", "[0] | [1-9] [0-9]{0,15}");
        PRIMITIVES.put("decimal-part", "[0-9]{1,16}");
        PRIMITIVES.put("number", "\"-\"? integral-part (\".\" decimal-part)? ([eE] [-+]? integral-part)? space");
        PRIMITIVES.put("integer", "\"-\"? integral-part space");
        PRIMITIVES.put("boolean", "(\"true\" | \"false\") space");
        PRIMITIVES.put("null", "\"null\" space");
        PRIMITIVES.put("value", "object | array | string | number | boolean | null");
        PRIMITIVES.put("object", "\"{\" space (string \":\" space value (\",\" space string \":\" space value)*)? \"}\" space");
        PRIMITIVES.put("array", "\"[\" space (value (\",\" space value)*)? \"]\" space");
    }

    private JsonGrammar() {}

    /// Any JSON object (OpenAI's `json_object` mode asks for an object).
    public static String anyJson() {
        Builder b = new Builder(null);
        b.primitive("object");
        b.rules.put("root", "object");
        return b.render();
    }

    /// A grammar for values that match `schema`.
    ///
    /// @throws IllegalArgumentException when the schema uses something this subset cannot enforce (the message
    ///         says what and where)
    public static String fromSchema(JsonNode schema) {
        Builder b = new Builder(schema);
        String root = b.visit(schema, "root", "#");
        if (!root.equals("root")) b.rules.put("root", root);
        return b.render();
    }

    private static final class Builder {

        final JsonNode rootSchema;
        final Map<String, String> rules = new LinkedHashMap<>();
        final Map<String, String> refRules = new LinkedHashMap<>();

        Builder(JsonNode rootSchema) {
            this.rootSchema = rootSchema;
        }

        String render() {
            primitive("space");
            StringBuilder sb = new StringBuilder();
            sb.append("root ::= ").append(rules.get("root")).append('\n');
            for (Map.Entry<String, String> e : rules.entrySet()) {
                if (!e.getKey().equals("root")) sb.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
            }
            return sb.toString();
        }

        /// Adds a built-in rule and the built-ins it uses; returns its name.
        String primitive(String name) {
            if (rules.containsKey(name)) return name;
            String body = PRIMITIVES.get(name);
            rules.put(name, body);
            for (String dep : PRIMITIVES.keySet()) {
                if (!dep.equals(name) && mentions(body, dep)) primitive(dep);
            }
            return name;
        }

        private static boolean mentions(String body, String rule) {
            String outsideLiterals = body.replaceAll("\"(\\\\.|[^\"\\\\])*\"|\\[(\\\\.|[^\\]\\\\])*]", " ");
            for (String word : outsideLiterals.split("[^a-zA-Z0-9-]+")) {
                if (word.equals(rule)) return true;
            }
            return false;
        }

        /// A new rule for `body`, named after `hint` (made unique); returns its name.
        String rule(String hint, String body) {
            String name = hint.replaceAll("[^a-zA-Z0-9-]+", "-");
            if (name.isEmpty() || name.equals("-")) name = "r";
            String unique = name;
            for (int i = 1; rules.containsKey(unique) || PRIMITIVES.containsKey(unique) && !unique.equals("root"); i++) {
                if (body.equals(rules.get(unique))) return unique;
                unique = name + i;
            }
            rules.put(unique, body);
            return unique;
        }

        /// The name of a rule for values matching `s`; `where` is its JSON pointer, for messages.
        String visit(JsonNode s, String hint, String where) {
            if (s == null || s.isBoolean() && s.booleanValue()) return primitive("value");
            if (s.isBoolean()) throw refuse(where, "the schema `false` allows nothing");
            if (!s.isObject()) throw refuse(where, "a schema must be an object or a boolean");
            checkKeywords(s, where);
            if (s.has("$ref")) return ref(s.get("$ref").asText(), where);
            if (s.has("const")) return rule(hint, literalOf(s.get("const")) + " space");
            if (s.has("enum")) {
                List<String> alts = new ArrayList<>();
                for (JsonNode v : s.get("enum")) alts.add(literalOf(v));
                if (alts.isEmpty()) throw refuse(where, "an empty `enum` allows nothing");
                return rule(hint, "(" + String.join(" | ", alts) + ") space");
            }
            for (String key : List.of("anyOf", "oneOf")) {
                if (!s.has(key)) continue;
                List<String> alts = new ArrayList<>();
                int i = 0;
                for (JsonNode alt : s.get(key)) {
                    alts.add(visit(alt, hint + "-" + i, where + "/" + key + "/" + i));
                    i++;
                }
                if (alts.isEmpty()) throw refuse(where, "an empty `" + key + "` allows nothing");
                return rule(hint, String.join(" | ", alts));
            }
            JsonNode type = s.get("type");
            if (type != null && type.isArray()) {
                List<String> alts = new ArrayList<>();
                for (JsonNode t : type) alts.add(typed(s, t.asText(), hint + "-" + t.asText(), where));
                return rule(hint, String.join(" | ", alts));
            }
            return typed(s, type == null ? impliedType(s) : type.asText(), hint, where);
        }

        private static String impliedType(JsonNode s) {
            if (s.has("properties") || s.has("additionalProperties") || s.has("required")) return "object";
            if (s.has("items") || s.has("minItems") || s.has("maxItems")) return "array";
            if (s.has("minLength") || s.has("maxLength")) return "string";
            return null;
        }

        private String typed(JsonNode s, String type, String hint, String where) {
            if (type == null) return primitive("value");
            return switch (type) {
                case "object" -> object(s, hint, where);
                case "array" -> array(s, hint, where);
                case "string" -> string(s, hint);
                case "integer" -> s.has("minimum") || s.has("exclusiveMinimum")
                        ? rule(hint, primitive("integral-part") + " space") : primitive("integer");
                case "number" -> s.has("minimum") || s.has("exclusiveMinimum")
                        ? rule(hint, primitive("integral-part") + " (\".\" " + primitive("decimal-part") + ")? ([eE] [-+]? "
                            + primitive("integral-part") + ")? space") : primitive("number");
                case "boolean" -> primitive("boolean");
                case "null" -> primitive("null");
                default -> throw refuse(where, "unknown type `" + type + "`");
            };
        }

        private String object(JsonNode s, String hint, String where) {
            JsonNode props = s.get("properties");
            JsonNode extra = s.get("additionalProperties");
            boolean moreKeys = extra != null && (extra.isObject() || extra.isBoolean() && extra.booleanValue());
            Set<String> required = new HashSet<>();
            if (s.has("required")) for (JsonNode r : s.get("required")) required.add(r.asText());
            boolean noKeys = props == null || props.isEmpty();
            if (noKeys && required.isEmpty() && (extra == null || extra.isBoolean() && moreKeys)) return primitive("object");
            List<String> req = new ArrayList<>();
            List<String> opt = new ArrayList<>();
            if (props != null) {
                Iterator<Map.Entry<String, JsonNode>> it = props.properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> p = it.next();
                    String name = hint + "-" + p.getKey();
                    String value = visit(p.getValue(), name, where + "/properties/" + p.getKey());
                    String kv = rule(name + "-kv", literalOf(JSON.getNodeFactory().textNode(p.getKey()))
                            + " space \":\" space " + value);
                    (required.remove(p.getKey()) ? req : opt).add(kv);
                }
            }
            if (!required.isEmpty()) throw refuse(where, "required keys without a schema in `properties`: " + required);
            String extraKv = null;
            if (moreKeys) {
                String value = extra.isObject() ? visit(extra, hint + "-additional", where + "/additionalProperties")
                        : primitive("value");
                extraKv = rule(hint + "-additional-kv", primitive("string") + " \":\" space " + value);
            }
            StringBuilder body = new StringBuilder("\"{\" space ");
            if (!req.isEmpty()) {
                body.append(String.join(" \",\" space ", req));
                for (String o : opt) body.append(" (\",\" space ").append(o).append(")?");
                if (extraKv != null) body.append(" (\",\" space ").append(extraKv).append(")*");
            } else if (!opt.isEmpty() || extraKv != null) {
                List<String> alts = new ArrayList<>();
                for (int i = 0; i < opt.size(); i++) {
                    StringBuilder alt = new StringBuilder(opt.get(i));
                    for (int j = i + 1; j < opt.size(); j++) alt.append(" (\",\" space ").append(opt.get(j)).append(")?");
                    if (extraKv != null) alt.append(" (\",\" space ").append(extraKv).append(")*");
                    alts.add(alt.toString());
                }
                if (extraKv != null) alts.add(extraKv + " (\",\" space " + extraKv + ")*");
                body.append("(").append(String.join(" | ", alts)).append(")?");
            }
            body.append(" \"}\" space");
            return rule(hint, body.toString());
        }

        private String array(JsonNode s, String hint, String where) {
            if (s.has("prefixItems")) throw refuse(where, "`prefixItems` (tuples) is not supported");
            String item = visit(s.get("items"), hint + "-item", where + "/items");
            int min = s.path("minItems").asInt(0);
            int max = s.has("maxItems") ? s.get("maxItems").asInt() : -1;
            if (min < 0 || max >= 0 && max < min) throw refuse(where, "`minItems`/`maxItems` allow no length");
            String items;
            if (max == 0) {
                items = "";
            } else {
                String more = "(\",\" space " + item + ")";
                String rest = max < 0 ? more + (min > 1 ? "{" + (min - 1) + ",}" : "*")
                        : more + "{" + Math.max(0, min - 1) + "," + (max - 1) + "}";
                items = min == 0 ? "(" + item + " " + rest + ")?" : item + " " + rest;
            }
            return rule(hint, "\"[\" space " + items + " \"]\" space");
        }

        private String string(JsonNode s, String hint) {
            if (!s.has("minLength") && !s.has("maxLength")) return primitive("string");
            int min = s.path("minLength").asInt(0);
            String max = s.has("maxLength") ? String.valueOf(s.get("maxLength").asInt()) : "";
            return rule(hint, "\"\\\"\" " + primitive("char") + "{" + min + "," + max + "} \"\\\"\" space");
        }

        private String ref(String ref, String where) {
            String known = refRules.get(ref);
            if (known != null) return known;
            String[] parts = ref.split("/");
            if (parts.length != 3 || !parts[0].equals("#") || !(parts[1].equals("$defs") || parts[1].equals("definitions")))
                throw refuse(where, "only references to `#/$defs/…` or `#/definitions/…` are supported: " + ref);
            JsonNode target = rootSchema == null ? null : rootSchema.path(parts[1]).get(parts[2]);
            if (target == null) throw refuse(where, "the reference " + ref + " points to nothing");
            String name = "ref-" + parts[2].replaceAll("[^a-zA-Z0-9-]+", "-");
            while (rules.containsKey(name)) name = name + "-";
            rules.put(name, "");                       // reserved: a recursive reference finds it
            refRules.put(ref, name);
            String body = visit(target, name + "-body", ref);
            rules.put(name, body);
            return name;
        }

        private static void checkKeywords(JsonNode s, String where) {
            for (String key : List.of("pattern", "allOf", "not", "if", "then", "else", "patternProperties",
                    "dependentRequired", "dependentSchemas", "contains", "uniqueItems", "maximum", "exclusiveMaximum",
                    "multipleOf", "minProperties", "maxProperties", "propertyNames", "unevaluatedProperties")) {
                if (s.has(key)) throw refuse(where, "`" + key + "` is not supported in a response schema");
            }
            for (String key : List.of("minimum", "exclusiveMinimum")) {
                if (s.has(key) && s.get(key).asDouble() < 0) throw refuse(where, "a negative `" + key + "` is not supported");
            }
        }

        private static IllegalArgumentException refuse(String where, String why) {
            return new IllegalArgumentException("JSON schema at " + where + ": " + why);
        }
    }

    /// A GBNF literal for the JSON text of `value`.
    static String literalOf(JsonNode value) {
        try {
            return gbnfLiteral(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /// `text` as a GBNF string literal.
    static String gbnfLiteral(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) sb.append(String.format("\\x%02X", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
