package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/// Lenient reading of the Hub's JSON: a missing or oddly typed field becomes empty, never an exception.
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode parse(byte[] body, String what) throws HubException {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new HubException(HubException.Reason.BAD_RESPONSE, 200, what, e);
        }
    }

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    static Optional<Instant> instant(JsonNode n, String field) {
        try {
            return text(n, field).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            for (JsonNode v : n) if (v.isValueNode()) out.add(v.asText());
        } else if (n != null && n.isTextual()) {
            out.add(n.asText());
        }
        return out;
    }
}
