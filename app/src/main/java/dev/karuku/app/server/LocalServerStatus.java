package dev.karuku.app.server;

import dev.karuku.app.ui.Messages;
import javafx.beans.binding.Bindings;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.control.Label;
import org.kordamp.ikonli.javafx.FontIcon;

/// The status bar's local API item: shown while the switch is on ("API on :8090", or why it is not running);
/// clicking it opens Settings.
public final class LocalServerStatus {
    private final Label label = new Label();

    public LocalServerStatus(LocalServerViewModel vm, Messages messages, Runnable openSettings) {
        label.setId("status-local-api");
        label.setGraphic(new FontIcon("fth-radio"));
        label.setCursor(Cursor.HAND);
        label.setOnMouseClicked(e -> openSettings.run());
        label.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.state().get()) {
            case OFF -> "";
            case STARTING -> messages.get("server.status.starting");
            case ON -> messages.get("server.status.on", String.valueOf(vm.port().get()), vm.requests().size());
            case FAILED -> messages.get("server.status.failed");
        }, vm.state(), vm.port(), vm.requests()));
        label.visibleProperty().bind(vm.state().isNotEqualTo(LocalServerViewModel.State.OFF));
        label.managedProperty().bind(label.visibleProperty());
    }

    public Node root() {
        return label;
    }
}
