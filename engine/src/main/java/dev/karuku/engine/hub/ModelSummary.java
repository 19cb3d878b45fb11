package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/// One search hit. Every field but `id` may be missing in the Hub's answer; missing numbers are 0.
public record ModelSummary(String id, Optional<String> author, long downloads, long likes, double trendingScore,
                           Gated gated, Optional<Instant> lastModified, Optional<String> pipelineTag, List<String> tags) {

    public ModelSummary {
        tags = List.copyOf(tags);
    }

    static ModelSummary parse(JsonNode n) {
        String id = Json.text(n, "id").or(() -> Json.text(n, "modelId")).orElse("");
        return new ModelSummary(id, Json.text(n, "author").or(() -> id.contains("/") ? Optional.of(id.substring(0, id.indexOf('/'))) : Optional.empty()),
                n.path("downloads").asLong(0), n.path("likes").asLong(0), n.path("trendingScore").asDouble(0),
                Gated.parse(n.get("gated")), Json.instant(n, "lastModified"), Json.text(n, "pipeline_tag"),
                Json.strings(n.path("tags")));
    }

    /// Whether the repo can take an image as input (its pipeline or tags say so).
    public boolean vision() {
        return pipelineTag.map(p -> p.startsWith("image-text")).orElse(false) || tags.contains("image-text-to-text");
    }

    static List<ModelSummary> parseList(JsonNode n) {
        List<ModelSummary> out = new ArrayList<>();
        if (n != null && n.isArray()) for (JsonNode item : n) if (item.isObject()) out.add(parse(item));
        return out;
    }
}
