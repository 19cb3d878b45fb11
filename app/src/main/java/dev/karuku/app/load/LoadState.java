package dev.karuku.app.load;

/// The Load screen's mode.
public enum LoadState {
    /// Choosing options.
    IDLE,
    /// Loading; the progress bar and Cancel show.
    LOADING,
    /// The model is loaded and ready to chat.
    LOADED,
    /// The load failed; the reason and what to change show.
    FAILED
}
