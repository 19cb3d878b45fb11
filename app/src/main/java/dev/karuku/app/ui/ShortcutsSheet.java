package dev.karuku.app.ui;

import javafx.scene.Node;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;

/// The keyboard shortcuts, listed in a sheet that F1 or Ctrl+/ (⌘/ on macOS) opens, as does the Chat screen's
/// help button. Not modal: it can stay open beside the window.
public final class ShortcutsSheet {
    /// Each shortcut's keys and the message key of what it does.
    private static final String[][] SHORTCUTS = {
            {"Enter", "shortcuts.send"},
            {"Shift+Enter", "shortcuts.newLine"},
            {"Ctrl+Enter", "shortcuts.send"},
            {"Esc", "shortcuts.stop"},
            {"Ctrl+N", "shortcuts.newChat"},
            {"Ctrl+F", "shortcuts.search"},
            {"F1 · Ctrl+/", "shortcuts.help"},
    };

    private ShortcutsSheet() {}

    public static void show(Node owner, Messages messages) {
        Dialog<Void> d = new Dialog<>();
        d.setTitle(messages.get("shortcuts.title"));
        d.setHeaderText(null);
        GridPane grid = new GridPane(24, 8);
        grid.setId("shortcuts-sheet");
        boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
        for (int i = 0; i < SHORTCUTS.length; i++) {
            Label keys = new Label(mac ? SHORTCUTS[i][0].replace("Ctrl+", "⌘") : SHORTCUTS[i][0]);
            keys.getStyleClass().add("shortcut-keys");
            grid.add(keys, 0, i);
            grid.add(new Label(messages.get(SHORTCUTS[i][1])), 1, i);
        }
        d.getDialogPane().setContent(grid);
        d.getDialogPane().getButtonTypes().setAll(new ButtonType(messages.get("dialog.ok"), ButtonBar.ButtonData.OK_DONE));
        Dialogs.themed(d, owner);
        d.show();
    }
}
