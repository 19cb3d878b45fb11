package dev.karuku.app.chat;

/// What the Chat screen is doing; drives which buttons are enabled.
public enum ChatState {
    /// No model loaded: the input says so and points to My Models.
    NO_MODEL,
    /// Ready for the next message.
    READY,
    /// An answer is streaming in.
    GENERATING
}
