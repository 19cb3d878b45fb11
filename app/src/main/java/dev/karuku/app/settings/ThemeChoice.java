package dev.karuku.app.settings;

/// Light, dark, or whatever the operating system uses.
public enum ThemeChoice {
    SYSTEM,
    LIGHT,
    DARK
}
