package dev.karuku.app.chat;

/// Named sampling settings, so a newcomer picks "Precise" rather than a temperature.
public enum SamplingPreset {
    PRECISE(new Sampling(0.0, 1.0, 1, 1.0, 1024)),
    BALANCED(new Sampling(0.7, 0.95, 40, 1.1, 1024)),
    CREATIVE(new Sampling(1.1, 0.98, 100, 1.05, 2048)),
    CUSTOM(null);

    private final Sampling sampling;

    SamplingPreset(Sampling sampling) {
        this.sampling = sampling;
    }

    /// The preset's settings; null for CUSTOM (the user's own).
    public Sampling sampling() {
        return sampling;
    }

    /// The message key of its name.
    public String messageKey() {
        return "chat.preset." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
