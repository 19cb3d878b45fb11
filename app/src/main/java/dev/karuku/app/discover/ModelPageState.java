package dev.karuku.app.discover;

/// The model page: loading the repo's info, ready, or the repo could not be opened.
public enum ModelPageState {
    LOADING, READY, ERROR
}
