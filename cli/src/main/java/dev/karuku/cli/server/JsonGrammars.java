package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Function;
import java.util.function.Supplier;

/// Turns OpenAI's `response_format` into a GBNF grammar for llama.cpp's grammar sampler: any JSON value for
/// `json_object`, the given schema for `json_schema`. The server asks for one only when a request sets
/// `response_format`; without a source it answers such requests with 400.
public interface JsonGrammars {

    /// A grammar whose root matches one JSON object (`response_format: {"type": "json_object"}`).
    String anyJson();

    /// A grammar whose root matches JSON valid against `schema`.
    ///
    /// @throws IllegalArgumentException when the schema uses what the grammar cannot express (answered with 400)
    String fromSchema(JsonNode schema);

    /// From two functions, e.g. `JsonGrammars.of(JsonGrammar::anyJson, JsonGrammar::fromSchema)`.
    static JsonGrammars of(Supplier<String> anyJson, Function<JsonNode, String> fromSchema) {
        return new JsonGrammars() {
            @Override
            public String anyJson() {
                return anyJson.get();
            }

            @Override
            public String fromSchema(JsonNode schema) {
                return fromSchema.apply(schema);
            }
        };
    }
}
