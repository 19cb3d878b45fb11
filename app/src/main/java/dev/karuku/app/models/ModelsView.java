package dev.karuku.app.models;

import dev.karuku.app.ui.Dialogs;
import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.LazyTooltip;
import dev.karuku.app.ui.Messages;
import java.io.File;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// Code-behind of `models.fxml`: the installed models, with Load, Show in folder and Delete per model; other
/// apps' models marked with where they were found and without Delete; import by button or by dropping files.
public final class ModelsView {
    private final ModelsViewModel vm;
    private final Messages messages;
    private final Consumer<Path> load;
    private final Consumer<Path> reveal;
    private final VBox root;

    @FXML private Button importButton;
    @FXML private Label dirLabel;
    @FXML private ListView<ModelEntry> modelList;
    @FXML private Label errorLabel;

    public ModelsView(ModelsViewModel vm, Messages messages, Consumer<Path> load, Consumer<Path> reveal) {
        this.vm = vm;
        this.messages = messages;
        this.load = load;
        this.reveal = reveal;
        this.root = Fxml.load("/dev/karuku/app/models/models.fxml", this, messages);
    }

    public VBox root() {
        return root;
    }

    @FXML
    private void initialize() {
        dirLabel.setText(messages.get("models.folder", dev.karuku.app.ui.HomePaths.shown(vm.dir())));
        modelList.setItems(vm.models());
        modelList.setPlaceholder(new Label(messages.get("models.empty")));
        modelList.setCellFactory(l -> new ListCell<>() {
            {
                setPrefWidth(0); // as wide as the list, never wider: no sideways scrolling, the buttons stay in view
            }

            @Override
            protected void updateItem(ModelEntry m, boolean empty) {
                super.updateItem(m, empty);
                if (empty || m == null) {
                    setGraphic(null);
                    return;
                }
                HBox row = row(m);
                row.setMinWidth(0);
                row.prefWidthProperty().bind(Bindings.createDoubleBinding(
                        () -> Math.max(0, getWidth() - getInsets().getLeft() - getInsets().getRight()), widthProperty(), insetsProperty()));
                row.maxWidthProperty().bind(row.prefWidthProperty());
                setGraphic(row);
            }
        });
        modelList.setId("models-list");
        vm.loadedFile().addListener(o -> modelList.refresh()); // the loaded model's row says so
        importButton.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(messages.get("models.import"));
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("GGUF", "*.gguf"));
            var files = chooser.showOpenMultipleDialog(root.getScene().getWindow());
            if (files != null) vm.importFiles(files.stream().map(File::toPath).toList());
        });
        modelList.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        modelList.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) vm.importFiles(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            e.setDropCompleted(ok);
            e.consume();
        });
        errorLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.error().get().isEmpty() ? "" : messages.get(vm.error().get(), vm.errorDetail().get()), vm.error(), vm.errorDetail()));
        errorLabel.setId("models-error");
        errorLabel.visibleProperty().bind(Bindings.isNotEmpty(vm.error()));
        vm.refresh();
    }

    private HBox row(ModelEntry m) {
        Label name = new Label(m.name(), new FontIcon(Feather.BOX));
        name.getStyleClass().add("title-4");
        String details = m.problem().isEmpty()
                ? messages.get("models.details", Formats.bytes(m.size()), m.quant(), m.arch(), m.context())
                : messages.get("models.unreadable", messages.get(m.problemKey()));
        Label info = new Label(details);
        info.getStyleClass().add(m.problem().isEmpty() ? "muted" : "bubble-error");
        VBox text = new VBox(2, name, info);
        if (m.path().equals(vm.loadedFile().get())) {
            Label loaded = new Label(messages.get("models.loaded"), new FontIcon(Feather.CHECK_CIRCLE));
            loaded.getStyleClass().add("loaded-badge");
            loaded.setId("models-loaded");
            text.getChildren().add(1, loaded);
        }
        m.foundIn().ifPresent(app -> {
            Label badge = new Label(messages.get("models.foundIn." + app.name()), new FontIcon(Feather.LOCK));
            badge.getStyleClass().add("found-in");
            LazyTooltip.install(badge, messages.get("models.readOnly.tooltip"));
            text.getChildren().add(1, badge);
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button loadButton = new Button(messages.get("models.load"), new FontIcon(Feather.PLAY));
        loadButton.getStyleClass().add("accent");
        loadButton.setDisable(!m.problem().isEmpty());
        loadButton.setOnAction(e -> load.accept(m.path()));
        loadButton.setId("models-load-" + m.name().replaceAll("[^A-Za-z0-9]", "-"));
        Button revealButton = new Button(null, new FontIcon(Feather.FOLDER));
        LazyTooltip.install(revealButton, messages.get("models.reveal"));
        revealButton.setOnAction(e -> reveal.accept(m.path().getParent()));
        Button deleteButton = new Button(null, new FontIcon(Feather.TRASH_2));
        deleteButton.getStyleClass().add("danger");
        LazyTooltip.install(deleteButton, messages.get("models.delete"));
        deleteButton.setId("models-delete-" + m.name().replaceAll("[^A-Za-z0-9]", "-"));
        deleteButton.setOnAction(e -> {
            if (Dialogs.confirm(root, messages, messages.get("models.delete"),
                    messages.get("models.delete.confirm", m.name(), Formats.bytes(m.size())), "models.delete")) vm.delete(m);
        });
        // other apps' models are theirs to delete: their row keeps the button's place, so every Load lines up
        deleteButton.setVisible(!m.readOnly());
        // the text gives way (cut with "…", the whole of it in a tooltip) before the buttons leave the window
        text.setMinWidth(0);
        info.setMinWidth(0);
        if (!m.problem().isEmpty()) LazyTooltip.install(info, details + "\n" + m.problem());
        // Compare quality, where another file of the same model is here to compare with (else its place is kept)
        Button compareButton = new Button(null, new FontIcon(Feather.BAR_CHART_2));
        LazyTooltip.install(compareButton, messages.get("models.compare"));
        compareButton.setId("models-compare-" + m.name().replaceAll("[^A-Za-z0-9]", "-"));
        var compare = vm.compare(m);
        compareButton.setVisible(compare.isPresent());
        compare.ifPresent(c -> compareButton.setOnAction(e -> new QualityCompareView(c, messages, root.getScene().getWindow()).show()));
        // Make a smaller version, for a full-precision file of Karuku's own (else its place is kept)
        Button shrinkButton = new Button(null, new FontIcon(Feather.MINIMIZE_2));
        LazyTooltip.install(shrinkButton, messages.get("models.shrink"));
        shrinkButton.setId("models-shrink-" + m.name().replaceAll("[^A-Za-z0-9]", "-"));
        shrinkButton.setVisible(vm.canShrink(m));
        shrinkButton.setOnAction(e -> new SmallerVersionView(vm.smaller(m), messages, root.getScene().getWindow()).show());
        HBox row = new HBox(10, text, spacer, loadButton, compareButton, shrinkButton, revealButton, deleteButton);
        for (var b : java.util.List.of(loadButton, compareButton, shrinkButton, revealButton, deleteButton)) b.setMinWidth(Region.USE_PREF_SIZE);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().addAll("card", "model-row");
        return row;
    }
}
