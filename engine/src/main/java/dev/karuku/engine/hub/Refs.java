package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/// A repo's branches and tags, each with the commit it points to.
public record Refs(Map<String, String> branches, Map<String, String> tags) {

    public Refs {
        branches = Map.copyOf(branches);
        tags = Map.copyOf(tags);
    }

    /// The commit `main` points to.
    public Optional<String> main() {
        return Optional.ofNullable(branches.get("main"));
    }

    static Refs parse(JsonNode n) {
        return new Refs(names(n.path("branches")), names(n.path("tags")));
    }

    private static Map<String, String> names(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : list) {
            Json.text(r, "name").ifPresent(name -> Json.text(r, "targetCommit").ifPresent(c -> out.put(name, c)));
        }
        return out;
    }
}
