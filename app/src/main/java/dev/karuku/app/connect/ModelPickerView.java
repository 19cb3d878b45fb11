package dev.karuku.app.connect;

import dev.karuku.app.ui.Messages;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import org.kordamp.ikonli.javafx.FontIcon;

/// The Chat screen's model picker: a box with this window's model and each connection's models ("model — Desk PC"),
/// unreachable connections greyed out with why, and a button that asks the connections again.
public final class ModelPickerView {
    private final ModelPicker vm;
    private final Messages messages;
    private final HBox root = new HBox(6);

    public ModelPickerView(ModelPicker vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
        build();
    }

    public Node root() {
        return root;
    }

    private void build() {
        root.setAlignment(Pos.CENTER_LEFT);
        root.getStyleClass().add("chat-picker-bar");
        Label title = new Label(messages.get("picker.title"));
        title.getStyleClass().add("muted");
        ComboBox<ModelPicker.Choice> box = new ComboBox<>(vm.choices());
        box.setId("model-picker");
        box.setPrefWidth(340);
        box.setPromptText(messages.get("picker.none"));
        box.setCellFactory(l -> new ChoiceCell());
        box.setButtonCell(new ChoiceCell());
        box.valueProperty().bindBidirectional(vm.selected());
        Button refresh = new Button(null, new FontIcon("fth-refresh-cw"));
        refresh.setId("model-picker-refresh");
        refresh.setTooltip(new Tooltip(messages.get("picker.refresh")));
        refresh.setOnAction(e -> vm.refresh());
        Label remote = new Label(messages.get("picker.remoteContext"));
        remote.getStyleClass().add("hint");
        remote.visibleProperty().bind(Bindings.createBooleanBinding(() -> vm.selected().get() instanceof ModelPicker.Choice.Remote, vm.selected()));
        remote.managedProperty().bind(remote.visibleProperty());
        root.getChildren().addAll(title, box, refresh, remote);
    }

    private String label(ModelPicker.Choice c) {
        return switch (c) {
            case ModelPicker.Choice.Local l -> messages.get("picker.local", l.name());
            case ModelPicker.Choice.Remote r -> messages.get("picker.remote", r.model(), r.connectionName());
            case ModelPicker.Choice.Unavailable u -> u.problem() == null ? messages.get("picker.checking", u.connectionName())
                    : messages.get("picker.unavailable", u.connectionName());
        };
    }

    private final class ChoiceCell extends ListCell<ModelPicker.Choice> {
        @Override
        protected void updateItem(ModelPicker.Choice c, boolean empty) {
            super.updateItem(c, empty);
            setDisable(false);
            setTooltip(null);
            if (empty || c == null) {
                setText(empty ? null : messages.get("picker.none"));
                return;
            }
            setText(label(c));
            if (c instanceof ModelPicker.Choice.Unavailable u) {
                setDisable(true);
                if (u.problem() != null) setTooltip(new Tooltip(RemoteProblems.describe(messages, u.connectionName(), u.problem())));
            }
        }
    }
}
