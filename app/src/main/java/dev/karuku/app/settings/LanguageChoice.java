package dev.karuku.app.settings;

import java.util.Locale;

/// The UI language: the operating system's (Japanese when it is Japanese, else English) or a fixed one.
public enum LanguageChoice {
    SYSTEM,
    ENGLISH,
    JAPANESE;

    /// The locale to load strings for, given the operating system's locale.
    public Locale locale(Locale system) {
        return switch (this) {
            case ENGLISH -> Locale.ENGLISH;
            case JAPANESE -> Locale.JAPANESE;
            case SYSTEM -> "ja".equals(system.getLanguage()) ? Locale.JAPANESE : Locale.ENGLISH;
        };
    }
}
