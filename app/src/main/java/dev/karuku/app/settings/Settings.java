package dev.karuku.app.settings;

import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.Objects;

/// Everything the user sets on the Settings screen.
///
/// @param modelsDir   where downloaded models go and where Karuku looks for models
/// @param hfToken     the Hugging Face access token for gated models ("" for none); kept on this machine only
/// @param language    UI language
/// @param theme       light, dark or follow the system
/// @param loadDefaults the load settings new loads start from (not their GPU layers: the best fit for the PC sets those)
public record Settings(Path modelsDir, String hfToken, LanguageChoice language, ThemeChoice theme, LoadSettings loadDefaults) {
    public Settings {
        Objects.requireNonNull(modelsDir, "modelsDir");
        hfToken = hfToken == null ? "" : hfToken.strip();
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(theme, "theme");
        Objects.requireNonNull(loadDefaults, "loadDefaults");
    }

    public static Settings defaults(Path modelsDir) {
        return new Settings(modelsDir, "", LanguageChoice.SYSTEM, ThemeChoice.SYSTEM, LoadSettings.DEFAULTS);
    }

    public Settings withModelsDir(Path dir) {
        return new Settings(dir, hfToken, language, theme, loadDefaults);
    }

    public Settings withHfToken(String token) {
        return new Settings(modelsDir, token, language, theme, loadDefaults);
    }

    public Settings withLanguage(LanguageChoice l) {
        return new Settings(modelsDir, hfToken, l, theme, loadDefaults);
    }

    public Settings withTheme(ThemeChoice t) {
        return new Settings(modelsDir, hfToken, language, t, loadDefaults);
    }

    public Settings withLoadDefaults(LoadSettings d) {
        return new Settings(modelsDir, hfToken, language, theme, d);
    }

    /// Never prints the token: settings may end up in a log.
    @Override
    public String toString() {
        return "Settings[modelsDir=" + modelsDir + ", hfToken=" + (hfToken.isEmpty() ? "none" : "(set)")
                + ", language=" + language + ", theme=" + theme + ", loadDefaults=" + loadDefaults + "]";
    }
}
