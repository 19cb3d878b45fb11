package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/// A repo's model info (`/api/models/{repo}?blobs=true`).
///
/// @param sha         the commit the revision resolved to: pin it for every later request so all files match
/// @param siblings    the files, with sizes and SHA-256 when asked with `blobs=true`
/// @param ggufSummary what the Hub parsed from one GGUF of the repo (architecture, context length, parameters);
///                    it describes the repo, not a particular quant
public record ModelInfo(String id, Optional<String> sha, Gated gated, boolean disabled, boolean privateRepo,
                        long downloads, long likes, Optional<Instant> lastModified, Optional<String> pipelineTag,
                        List<String> tags, Optional<String> license, List<String> baseModels, List<RepoFile> siblings,
                        Optional<GgufSummary> ggufSummary) {

    /// The Hub's `gguf` object. Any field may be missing.
    public record GgufSummary(Optional<String> architecture, OptionalLong contextLength, OptionalLong parameters,
                              Optional<String> chatTemplate) {}

    public ModelInfo {
        tags = List.copyOf(tags);
        baseModels = List.copyOf(baseModels);
        siblings = List.copyOf(siblings);
    }

    static ModelInfo parse(JsonNode n) {
        List<RepoFile> siblings = new ArrayList<>();
        for (JsonNode s : n.path("siblings")) if (s.isObject()) siblings.add(RepoFile.fromSibling(s));
        JsonNode card = n.path("cardData");
        JsonNode g = n.path("gguf");
        Optional<GgufSummary> gguf = g.isObject() ? Optional.of(new GgufSummary(Json.text(g, "architecture"),
                optLong(g, "context_length"), optLong(g, "total"), Json.text(g, "chat_template"))) : Optional.empty();
        return new ModelInfo(Json.text(n, "id").or(() -> Json.text(n, "modelId")).orElse(""), Json.text(n, "sha"),
                Gated.parse(n.get("gated")), n.path("disabled").asBoolean(false), n.path("private").asBoolean(false),
                n.path("downloads").asLong(0), n.path("likes").asLong(0), Json.instant(n, "lastModified"),
                Json.text(n, "pipeline_tag"), Json.strings(n.path("tags")), Json.text(card, "license"),
                Json.strings(card.path("base_model")), siblings, gguf);
    }

    private static OptionalLong optLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
    }
}
