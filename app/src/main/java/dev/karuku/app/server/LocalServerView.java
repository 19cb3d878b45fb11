package dev.karuku.app.server;

import atlantafx.base.controls.ToggleSwitch;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SettingsSection;
import dev.karuku.cli.server.ServedRequest;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.util.Callback;
import org.kordamp.ikonli.javafx.FontIcon;

/// Settings → Local API: the switch, port, key, network access, the URL to copy and the live list of requests.
public final class LocalServerView {
    private final LocalServerViewModel vm;
    private final Messages messages;
    private final SettingsSection section;

    public LocalServerView(LocalServerViewModel vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
        // closed while the server is off, so Settings fits without scrolling; open when it runs or failed to
        this.section = new SettingsSection("settings-local-api", messages.get("server.title"),
                vm.state().get() != LocalServerViewModel.State.OFF);
        build();
    }

    public Node root() {
        return section.root();
    }

    private void build() {
        ToggleSwitch on = new ToggleSwitch(messages.get("server.switch"));
        on.setId("local-api-switch");
        on.selectedProperty().bindBidirectional(vm.enabled());
        Label hint = SettingsSection.wrapped(messages.get("server.hint"), "hint");

        Spinner<Integer> port = new Spinner<>(1, 65535, vm.port().get());
        port.setId("local-api-port");
        port.setEditable(true);
        port.setPrefWidth(120);
        port.valueProperty().addListener((o, a, b) -> { if (b != null) vm.port().set(b); });
        vm.port().addListener((o, a, b) -> port.getValueFactory().setValue(b.intValue()));
        PasswordField key = new PasswordField();
        key.setId("local-api-key");
        key.setPromptText(messages.get("server.key.placeholder"));
        key.textProperty().bindBidirectional(vm.apiKey());
        CheckBox network = new CheckBox(messages.get("server.network"));
        network.setId("local-api-network");
        network.selectedProperty().bindBidirectional(vm.network());
        Button apply = new Button(messages.get("server.apply"), new FontIcon("fth-check"));
        apply.setId("local-api-apply");
        apply.setOnAction(e -> vm.apply());
        GridPane form = new GridPane(12, 8);
        form.addRow(0, new Label(messages.get("server.port")), port);
        form.addRow(1, new Label(messages.get("server.key")), key);
        GridPane.setHgrow(key, Priority.ALWAYS);
        Label networkHint = SettingsSection.wrapped(messages.get("server.network.hint"), "hint");

        Label status = SettingsSection.wrapped("", "muted");
        status.setId("local-api-status");
        status.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.state().get()) {
            case OFF -> messages.get("server.state.off");
            case STARTING -> messages.get("server.state.starting");
            case ON -> vm.networkUrl().get().isEmpty() ? messages.get("server.state.on")
                    : messages.get("server.state.onNetwork", vm.networkUrl().get());
            case FAILED -> switch (vm.problem().get()) {
                case PORT_IN_USE -> messages.get("server.problem.portInUse", vm.problemDetail().get());
                case NEEDS_KEY -> messages.get("server.problem.needsKey");
                case OTHER, NONE -> messages.get("server.problem.other", vm.problemDetail().get());
            };
        }, vm.state(), vm.problem(), vm.problemDetail(), vm.networkUrl()));
        status.getStyleClass().add("local-api-status");

        TextField url = new TextField();
        url.setId("local-api-url");
        url.setEditable(false);
        url.textProperty().bind(vm.url());
        HBox.setHgrow(url, Priority.ALWAYS);
        Button copy = new Button(messages.get("server.copy"), new FontIcon("fth-copy"));
        copy.setId("local-api-copy");
        copy.disableProperty().bind(vm.url().isEmpty());
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(vm.url().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        HBox urlRow = new HBox(8, url, copy);
        urlRow.setAlignment(Pos.CENTER_LEFT);

        Label listTitle = new Label(messages.get("server.requests"));
        TableView<ServedRequest> table = new TableView<>(vm.requests());
        table.setId("local-api-requests");
        table.setPrefHeight(180);
        table.setPlaceholder(new Label(messages.get("server.requests.none")));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        DateTimeFormatter time = DateTimeFormatter.ofLocalizedTime(FormatStyle.MEDIUM).withLocale(messages.locale())
                .withZone(ZoneId.systemDefault());
        table.getColumns().setAll(java.util.List.of(
                column(messages.get("server.requests.time"), r -> time.format(r.time())),
                column(messages.get("server.requests.client"), ServedRequest::client),
                column(messages.get("server.requests.model"), r -> r.model() == null ? r.path() : r.model()),
                column(messages.get("server.requests.tokens"), r -> r.completionTokens() < 0 ? ""
                        : messages.get("server.requests.tokens.value", Math.max(0, r.promptTokens()), r.completionTokens())),
                column(messages.get("server.requests.status"), r -> "cancelled".equals(r.finish())
                        ? messages.get("server.requests.cancelled") : String.valueOf(r.status()))));
        section.card().getChildren().addAll(on, hint, form, network, networkHint, apply, status, urlRow, listTitle, table);
    }

    private static TableColumn<ServedRequest, String> column(String title, java.util.function.Function<ServedRequest, String> value) {
        TableColumn<ServedRequest, String> c = new TableColumn<>(title);
        Callback<TableColumn.CellDataFeatures<ServedRequest, String>, javafx.beans.value.ObservableValue<String>> f =
                d -> new ReadOnlyStringWrapper(value.apply(d.getValue())).getReadOnlyProperty();
        c.setCellValueFactory(f);
        c.setSortable(false);
        return c;
    }
}
