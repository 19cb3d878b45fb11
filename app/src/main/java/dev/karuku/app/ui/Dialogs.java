package dev.karuku.app.ui;

import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.TextInputDialog;

/// Dialogs that follow the window they belong to: its theme (our stylesheet and the dark tokens, which a dialog's
/// own scene does not inherit) and the user's language on every button (JavaFX's OK and Cancel follow the JVM's
/// locale, not the one chosen in Settings).
public final class Dialogs {
    private Dialogs() {}

    /// Asks "`text`?" with a `confirmKey` button (Delete, …) and Cancel; true when confirmed.
    public static boolean confirm(Node owner, Messages messages, String title, String text, String confirmKey) {
        ButtonType yes = new ButtonType(messages.get(confirmKey), ButtonBar.ButtonData.OK_DONE);
        ButtonType no = new ButtonType(messages.get("dialog.cancel"), ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, no, yes);
        a.setTitle(title);
        a.setHeaderText(null);
        themed(a, owner);
        return a.showAndWait().filter(b -> b == yes).isPresent();
    }

    /// Asks for a line of text (a new name, …), with OK and Cancel in the user's language.
    public static Optional<String> ask(Node owner, Messages messages, String title, String header, String initial) {
        TextInputDialog d = new TextInputDialog(initial);
        d.setTitle(title);
        d.setHeaderText(header);
        d.getDialogPane().getButtonTypes().setAll(new ButtonType(messages.get("dialog.ok"), ButtonBar.ButtonData.OK_DONE),
                new ButtonType(messages.get("dialog.cancel"), ButtonBar.ButtonData.CANCEL_CLOSE));
        themed(d, owner);
        return d.showAndWait();
    }

    /// Owned by `owner`'s window, with its stylesheets and its root's style classes (`dark`).
    static void themed(Dialog<?> d, Node owner) {
        if (owner.getScene() == null) return;
        d.initOwner(owner.getScene().getWindow());
        var pane = d.getDialogPane();
        pane.getStylesheets().setAll(owner.getScene().getStylesheets());
        var root = owner.getScene().getRoot();
        if (root != null) {
            for (String c : root.getStyleClass()) if (!pane.getStyleClass().contains(c)) pane.getStyleClass().add(c);
        }
        pane.getStyleClass().add("karuku-dialog");
    }
}
