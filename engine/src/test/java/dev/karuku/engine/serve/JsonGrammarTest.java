package dev.karuku.engine.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The JSON-schema → GBNF translation, without llama.cpp (BatchedCompleterTest runs its grammars for real).
class JsonGrammarTest {

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void anyJsonIsAnObjectWithEveryBuiltInItNeeds() {
        String g = JsonGrammar.anyJson();
        assertThat(g).startsWith("root ::= object\n");
        for (String rule : new String[]{"object", "value", "array", "string", "char", "number", "boolean", "null", "space"}) {
            assertThat(g).contains("\n" + rule + " ::= ");
        }
    }

    @Test
    void requiredKeysComeFirstAndOptionalOnesAfterACommaEach() throws Exception {
        String g = JsonGrammar.fromSchema(json("""
                {"type":"object","properties":{"nick":{"type":"string"},"name":{"type":"string"},"age":{"type":"integer"}},
                 "required":["name","age"],"additionalProperties":false}"""));
        assertThat(g).contains("root ::= \"{\" space root-name-kv \",\" space root-age-kv (\",\" space root-nick-kv)? \"}\" space");
        assertThat(g).contains("root-name-kv ::= \"\\\"name\\\"\" space \":\" space string");
        assertThat(g).contains("root-age-kv ::= \"\\\"age\\\"\" space \":\" space integer");
    }

    @Test
    void onlyOptionalKeysMayStartWithAnyOfThemButKeepTheirOrder() throws Exception {
        String g = JsonGrammar.fromSchema(json("""
                {"properties":{"a":{"type":"boolean"},"b":{"type":"null"}}}"""));
        assertThat(g).contains("root ::= \"{\" space (root-a-kv (\",\" space root-b-kv)? | root-b-kv)? \"}\" space");
    }

    @Test
    void arraysHonourTheirLengthBounds() throws Exception {
        String g = JsonGrammar.fromSchema(json("""
                {"type":"array","items":{"type":"number"},"minItems":2,"maxItems":4}"""));
        assertThat(g).contains("root ::= \"[\" space number (\",\" space number){1,3} \"]\" space");
        String any = JsonGrammar.fromSchema(json("{\"type\":\"array\",\"items\":{\"type\":\"boolean\"}}"));
        assertThat(any).contains("root ::= \"[\" space (boolean (\",\" space boolean)*)? \"]\" space");
    }

    @Test
    void enumsAndConstantsAreLiteralJson() throws Exception {
        String g = JsonGrammar.fromSchema(json("""
                {"type":"object","properties":{"mood":{"enum":["happy","sad \\"really\\"",3,null]},"v":{"const":{"x":1}}},
                 "required":["mood","v"]}"""));
        assertThat(g).contains("root-mood ::= (\"\\\"happy\\\"\" | \"\\\"sad \\\\\\\"really\\\\\\\"\\\"\" | \"3\" | \"null\") space");
        assertThat(g).contains("root-v ::= \"{\\\"x\\\":1}\" space");
    }

    @Test
    void stringLengthsBoundTheCharacters() throws Exception {
        String g = JsonGrammar.fromSchema(json("{\"type\":\"string\",\"minLength\":1,\"maxLength\":8}"));
        assertThat(g).contains("root ::= \"\\\"\" char{1,8} \"\\\"\" space");
    }

    @Test
    void anyOfTypeListsAndRecursiveReferences() throws Exception {
        String g = JsonGrammar.fromSchema(json("""
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":["integer","null"]},
                   "next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"]}},
                 "$ref":"#/$defs/node"}"""));
        assertThat(g).startsWith("root ::= ref-node\n");
        assertThat(g).contains("ref-node ::= ref-node-body");
        assertThat(g).contains("ref-node-body-next ::= ref-node | null");
        assertThat(g).contains("ref-node-body-v ::= integer | null");
    }

    @Test
    void whatCannotBeEnforcedIsRefusedByName() {
        assertThatThrownBy(() -> JsonGrammar.fromSchema(json("""
                {"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]+$"}}}""")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON schema at #/properties/code: `pattern` is not supported in a response schema");
        assertThatThrownBy(() -> JsonGrammar.fromSchema(json("{\"$ref\":\"https://example.org/s.json\"}")))
                .hasMessageContaining("only references to `#/$defs/");
        assertThatThrownBy(() -> JsonGrammar.fromSchema(json("{\"type\":\"integer\",\"maximum\":5}")))
                .hasMessageContaining("`maximum` is not supported");
        assertThatThrownBy(() -> JsonGrammar.fromSchema(json("{\"type\":\"object\",\"required\":[\"x\"]}")))
                .hasMessageContaining("required keys without a schema");
    }

    @Test
    void aNonNegativeMinimumDropsTheMinusSign() throws Exception {
        String g = JsonGrammar.fromSchema(json("{\"type\":\"integer\",\"minimum\":0}"));
        assertThat(g).contains("root ::= integral-part space");
        assertThat(g).doesNotContain("\"-\"");
    }

    @Test
    void literalsEscapeWhatGbnfWouldMisread() {
        assertThat(JsonGrammar.gbnfLiteral("a\"b\\c\nd\u0001é")).isEqualTo("\"a\\\"b\\\\c\\nd\\x01é\"");
    }
}
