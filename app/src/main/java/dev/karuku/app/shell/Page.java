package dev.karuku.app.shell;

/// The app's screens. LOAD has no sidebar entry: it opens from My Models.
public enum Page {
    DISCOVER,
    DOWNLOADS,
    MODELS,
    LOAD,
    CHAT,
    SETTINGS
}
