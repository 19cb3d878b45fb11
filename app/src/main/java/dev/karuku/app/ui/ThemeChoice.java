package dev.karuku.app.ui;

/// Light, dark, or whatever the operating system uses.
public enum ThemeChoice {
    SYSTEM,
    LIGHT,
    DARK
}
