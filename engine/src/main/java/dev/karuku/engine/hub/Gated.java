package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

/// Whether a repo asks users to accept terms before downloading: the Hub sends `false`, `"auto"` or `"manual"`.
public enum Gated {
    NO, AUTO, MANUAL;

    static Gated parse(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return NO;
        if (n.isBoolean()) return n.asBoolean() ? AUTO : NO;
        return switch (n.asText("").toLowerCase(java.util.Locale.ROOT)) {
            case "manual" -> MANUAL;
            case "auto", "true" -> AUTO;
            default -> NO;
        };
    }

    public boolean gated() {
        return this != NO;
    }
}
