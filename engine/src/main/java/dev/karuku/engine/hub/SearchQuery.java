package dev.karuku.engine.hub;

/// A search for GGUF models.
///
/// @param text  substring of the repo id; blank lists all GGUF repos
/// @param sort  order
/// @param limit page size (1–500)
public record SearchQuery(String text, SearchSort sort, int limit) {

    public SearchQuery {
        text = text == null ? "" : text.strip();
        if (limit < 1 || limit > 500) throw new IllegalArgumentException("limit must be between 1 and 500, not " + limit);
    }

    public static SearchQuery of(String text) {
        return new SearchQuery(text, SearchSort.DOWNLOADS, 20);
    }
}
