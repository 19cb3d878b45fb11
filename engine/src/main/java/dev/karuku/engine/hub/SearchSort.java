package dev.karuku.engine.hub;

/// How search results are ordered (always most first).
public enum SearchSort {
    DOWNLOADS("downloads"), LIKES("likes"), TRENDING("trendingScore"), UPDATED("lastModified");

    private final String apiName;

    SearchSort(String apiName) {
        this.apiName = apiName;
    }

    /// The value of the Hub's `sort` parameter.
    public String apiName() {
        return apiName;
    }
}
