package dev.karuku.app.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.scene.Scene;

/// Applies light or dark: AtlantaFX Primer as the user-agent stylesheet, our `-kk-*` tokens via the root's
/// `dark` class. "Follow the system" reads the OS colour scheme from `Platform.getPreferences()`.
public final class Theme {
    public static final String STYLESHEET = "/dev/karuku/app/karuku.css";

    private Theme() {}

    public static boolean isDark(ThemeChoice choice) {
        return switch (choice) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> Platform.getPreferences().getColorScheme() == ColorScheme.DARK;
        };
    }

    /// Applies `choice` to the application and `scene`.
    public static void apply(ThemeChoice choice, Scene scene) {
        boolean dark = isDark(choice);
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
        String css = Theme.class.getResource(STYLESHEET).toExternalForm();
        if (!scene.getStylesheets().contains(css)) scene.getStylesheets().add(css);
        if (scene.getRoot() != null) {
            scene.getRoot().getStyleClass().remove("dark");
            if (dark) scene.getRoot().getStyleClass().add("dark");
        }
    }
}
