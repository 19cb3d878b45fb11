package dev.karuku.app.discover;

/// What the Discover list shows: nothing asked yet, a search under way, results, no results, or an error.
public enum DiscoverState {
    IDLE, SEARCHING, RESULTS, EMPTY, ERROR
}
