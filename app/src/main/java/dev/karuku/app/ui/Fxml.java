package dev.karuku.app.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/// Loads a view's FXML from `ui-resources` with the strings bundle and a ready-made controller (controllers are
/// built by the composition root with their ViewModel, never by FXMLLoader).
public final class Fxml {
    private Fxml() {}

    public static <T extends Parent> T load(String resource, Object controller, Messages messages) {
        URL url = Fxml.class.getResource(resource);
        if (url == null) throw new IllegalStateException("Missing view " + resource);
        FXMLLoader loader = new FXMLLoader(url, messages.bundle());
        loader.setController(controller);
        try {
            return loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not load view " + resource, e);
        }
    }
}
