package dev.karuku.app.shell;

import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.Messages;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;

/// Code-behind of `shell.fxml`: sidebar navigation and the status bar. Screens are built on first visit.
public final class ShellView {
    private final ShellViewModel vm;
    private final Map<Page, Supplier<Node>> factories;
    private final Map<Page, Node> built = new EnumMap<>(Page.class);
    private final BorderPane root;

    @FXML private StackPane content;
    @FXML private ToggleButton discoverButton;
    @FXML private ToggleButton downloadsButton;
    @FXML private ToggleButton modelsButton;
    @FXML private ToggleButton chatButton;
    @FXML private ToggleButton settingsButton;
    @FXML private Label modelLabel;
    @FXML private Label ramLabel;
    @FXML private Label vramLabel;
    @FXML private Label backendLabel;
    @FXML private Label layersLabel;
    @FXML private Label stoppedLabel;
    @FXML private javafx.scene.control.Button reloadButton;
    @FXML private javafx.scene.control.Button unloadButton;

    public ShellView(ShellViewModel vm, Map<Page, Supplier<Node>> factories, Messages messages) {
        this.vm = vm;
        this.factories = factories;
        this.root = Fxml.load("/dev/karuku/app/shell/shell.fxml", this, messages);
    }

    public BorderPane root() {
        return root;
    }

    /// Adds an item at the end of the status bar (the local API's).
    public void addStatusItem(Node item) {
        ((javafx.scene.layout.Pane) root.getBottom()).getChildren().add(item);
    }

    @FXML
    private void initialize() {
        ToggleGroup group = new ToggleGroup();
        Map<Page, ToggleButton> buttons = Map.of(Page.DISCOVER, discoverButton, Page.DOWNLOADS, downloadsButton,
                Page.MODELS, modelsButton, Page.CHAT, chatButton, Page.SETTINGS, settingsButton);
        // joined in the order they stand (Map.of has none): the arrow keys move through a toggle group in its order
        for (Page page : java.util.List.of(Page.DISCOVER, Page.DOWNLOADS, Page.MODELS, Page.CHAT, Page.SETTINGS)) {
            ToggleButton b = buttons.get(page);
            b.setToggleGroup(group);
            b.setUserData(page);
            b.setId("nav-" + page.name().toLowerCase(java.util.Locale.ROOT));
            b.setOnAction(e -> vm.page().set(page));
        }
        // a selected nav button stays selected when clicked again
        group.selectedToggleProperty().addListener((o, a, b) -> { if (b == null && a != null) a.setSelected(true); });
        vm.page().addListener((o, a, p) -> show(p, buttons));
        show(vm.page().get(), buttons);
        modelLabel.textProperty().bind(vm.modelText());
        ramLabel.textProperty().bind(vm.ramText());
        vramLabel.textProperty().bind(vm.vramText());
        backendLabel.textProperty().bind(vm.backendText());
        // the figures are measured after loading, not the estimate: the tooltips say what they count
        javafx.scene.control.Tooltip vramTip = new javafx.scene.control.Tooltip();
        vramTip.textProperty().bind(vm.vramDetail());
        vramLabel.setTooltip(vramTip);
        javafx.scene.control.Tooltip ramTip = new javafx.scene.control.Tooltip();
        ramTip.textProperty().bind(vm.ramDetail());
        ramLabel.setTooltip(ramTip);
        layersLabel.textProperty().bind(vm.layersText());
        modelLabel.setId("status-model");
        vramLabel.setId("status-vram");
        ramLabel.setId("status-ram");
        backendLabel.setId("status-backend");
        layersLabel.setId("status-layers");
        // a model whose process stopped: why (llama.cpp's words) and a way back; a loaded one: a way out
        stoppedLabel.textProperty().bind(vm.stoppedText());
        stoppedLabel.visibleProperty().bind(vm.stoppedText().isNotEmpty());
        stoppedLabel.managedProperty().bind(stoppedLabel.visibleProperty());
        javafx.scene.control.Tooltip stoppedTip = new javafx.scene.control.Tooltip();
        stoppedTip.textProperty().bind(vm.stoppedText());
        stoppedTip.setWrapText(true);
        stoppedTip.setMaxWidth(600);
        stoppedLabel.setTooltip(stoppedTip);
        reloadButton.visibleProperty().bind(stoppedLabel.visibleProperty());
        reloadButton.managedProperty().bind(reloadButton.visibleProperty());
        reloadButton.setOnAction(e -> vm.reload());
        unloadButton.visibleProperty().bind(vm.loaded());
        unloadButton.managedProperty().bind(unloadButton.visibleProperty());
        unloadButton.setOnAction(e -> vm.unload());
        stoppedLabel.setId("status-stopped");
        reloadButton.setId("status-reload");
        unloadButton.setId("status-unload");
    }

    private void show(Page page, Map<Page, ToggleButton> buttons) {
        Node view = built.computeIfAbsent(page, p -> factories.getOrDefault(p, () -> new Label(p.name())).get());
        content.getChildren().setAll(view);
        // the page's own input (Discover's search, Chat's message box) takes the keys, not the nav button just clicked
        javafx.application.Platform.runLater(() -> {
            Node first = view.lookup(".focus-on-show");
            if (first != null && view.getScene() != null && !first.isDisabled()) first.requestFocus();
        });
        ToggleButton b = buttons.get(page == Page.LOAD ? Page.MODELS : page);
        if (b != null) b.setSelected(true);
    }
}
