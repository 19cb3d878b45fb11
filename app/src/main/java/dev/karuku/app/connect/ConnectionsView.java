package dev.karuku.app.connect;

import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SettingsSection;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

/// Settings → Connections: the list of servers with what each check found, Test and Remove per server, and a form
/// to add one (name, address, key).
public final class ConnectionsView {
    private final ConnectionsViewModel vm;
    private final Messages messages;
    private final SettingsSection section;

    public ConnectionsView(ConnectionsViewModel vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
        this.section = new SettingsSection("settings-connections", messages.get("connections.title"), false); // closed: see SettingsSection
        build();
    }

    public Node root() {
        return section.root();
    }

    private void build() {
        Label hint = SettingsSection.wrapped(messages.get("connections.hint"), "hint");

        ListView<ConnectionsViewModel.Item> list = new ListView<>(vm.items());
        list.setId("connections-list");
        list.setPrefHeight(150);
        list.setPlaceholder(new Label(messages.get("connections.none")));
        list.setCellFactory(l -> new ItemCell());

        TextField name = new TextField();
        name.setId("connection-name");
        name.setPromptText(messages.get("connections.name.placeholder"));
        name.textProperty().bindBidirectional(vm.name());
        TextField url = new TextField();
        url.setId("connection-url");
        url.setPromptText("http://192.168.1.20:8090/v1");
        url.textProperty().bindBidirectional(vm.url());
        PasswordField key = new PasswordField();
        key.setId("connection-key");
        key.setPromptText(messages.get("connections.key.placeholder"));
        key.textProperty().bindBidirectional(vm.apiKey());
        GridPane form = new GridPane(12, 8);
        form.addRow(0, new Label(messages.get("connections.name")), name);
        form.addRow(1, new Label(messages.get("connections.url")), url);
        form.addRow(2, new Label(messages.get("connections.key")), key);
        GridPane.setHgrow(url, Priority.ALWAYS);
        GridPane.setHgrow(name, Priority.ALWAYS);
        GridPane.setHgrow(key, Priority.ALWAYS);
        Label keyHint = SettingsSection.wrapped(messages.get("connections.key.hint"), "hint");
        Button add = new Button(messages.get("connections.add"), new FontIcon("fth-plus"));
        add.setId("connection-add");
        add.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.url().get() == null || vm.url().get().isBlank(), vm.url()));
        add.setOnAction(e -> vm.add());
        Label formError = SettingsSection.wrapped("", "danger-text");
        formError.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.formProblem().get()) {
            case NONE -> vm.saveError().get().isEmpty() ? "" : messages.get("connections.saveFailed", vm.saveError().get());
            case NO_NAME -> messages.get("connections.noName");
            case BAD_URL -> messages.get("connections.badUrl");
        }, vm.formProblem(), vm.saveError()));
        section.card().getChildren().addAll(hint, list, form, keyHint, new HBox(12, add, formError));
    }

    private final class ItemCell extends ListCell<ConnectionsViewModel.Item> {
        @Override
        protected void updateItem(ConnectionsViewModel.Item item, boolean empty) {
            super.updateItem(item, empty);
            textProperty().unbind();
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            Label name = new Label(item.connection().name() + "  ·  " + item.connection().url());
            name.getStyleClass().add("title-6");
            Label status = new Label();
            status.setWrapText(true);
            status.getStyleClass().add("connection-status");
            status.textProperty().bind(Bindings.createStringBinding(() -> switch (item.status().get()) {
                case CHECKING -> messages.get("connections.checking");
                case REACHABLE -> messages.get("connections.reachable", item.models().get().size(),
                        String.join(", ", item.models().get()));
                case FAILED -> RemoteProblems.describe(messages, item.connection().name(), item.problem().get());
            }, item.status(), item.models(), item.problem()));
            status.setMaxWidth(420);
            Button test = new Button(messages.get("connections.test"));
            test.setOnAction(e -> vm.check(item));
            Button remove = new Button(messages.get("connections.remove"));
            remove.getStyleClass().add("danger");
            remove.setOnAction(e -> vm.remove(item));
            Region grow = new Region();
            HBox.setHgrow(grow, Priority.ALWAYS);
            HBox row = new HBox(8, new VBox(2, name, status), grow, test, remove);
            row.setAlignment(Pos.CENTER_LEFT);
            setText(null);
            setGraphic(row);
        }
    }
}
