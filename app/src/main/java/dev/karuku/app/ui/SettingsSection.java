package dev.karuku.app.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.VBox;

/// A section of Settings that opens and closes (Local API, Connections): a titled pane over a card its view fills
/// with rows. Sections start closed unless they have something to show, so Settings fits without scrolling.
public final class SettingsSection {
    private final VBox card = new VBox(10);
    private final TitledPane root = new TitledPane();

    /// @param id       the pane's id (tests and the shortcuts sheet find it by it)
    /// @param title    its heading, in the user's language
    /// @param expanded whether it starts open
    public SettingsSection(String id, String title, boolean expanded) {
        root.setId(id);
        root.setText(title);
        root.setContent(card);
        root.setExpanded(expanded);
    }

    /// The collapsible pane to place in Settings.
    public TitledPane root() {
        return root;
    }

    /// Where the section's rows go.
    public VBox card() {
        return card;
    }

    /// A label that wraps its text, with one style class (`hint`, `muted`, `danger-text`).
    public static Label wrapped(String text, String style) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add(style);
        return l;
    }
}
