package dev.karuku.app.settings;

import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.LoadSettingFields;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.ThemeChoice;
import java.io.File;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;

/// Code-behind of `settings.fxml`.
public final class SettingsView {
    private final SettingsViewModel vm;
    private final Messages messages;
    private final ScrollPane root;

    @FXML private TextField modelsDirField;
    @FXML private Button browseButton;
    @FXML private PasswordField tokenField;
    @FXML private ComboBox<LanguageChoice> languageBox;
    @FXML private ComboBox<ThemeChoice> themeBox;
    @FXML private Spinner<Integer> contextSpinner;
    @FXML private ComboBox<dev.karuku.engine.settings.KvCacheType> kvBox;
    @FXML private Spinner<Integer> threadsSpinner;
    @FXML private ComboBox<dev.karuku.engine.settings.FlashAttention> flashBox;
    @FXML private Button saveButton;
    @FXML private Label statusLabel;
    @FXML private Button openLogsButton;
    private final Runnable openLogFolder;

    /// @param openLogFolder shows the log folder in the file manager (it must not block the FX thread)
    public SettingsView(SettingsViewModel vm, Messages messages, Runnable openLogFolder) {
        this.vm = vm;
        this.openLogFolder = openLogFolder;
        this.messages = messages;
        this.root = Fxml.load("/dev/karuku/app/settings/settings.fxml", this, messages);
    }

    public ScrollPane root() {
        return root;
    }

    /// Adds a section at the end of the right-hand column (the local API, Connections: collapsible, so the page
    /// still fits without scrolling while they are closed).
    public void addSection(javafx.scene.Node section) {
        var columns = root.getContent().lookupAll(".settings-column").toArray(new javafx.scene.Node[0]);
        ((javafx.scene.layout.Pane) columns[columns.length - 1]).getChildren().add(section);
    }

    @FXML
    private void initialize() {
        modelsDirField.textProperty().bindBidirectional(vm.modelsDir());
        tokenField.textProperty().bindBidirectional(vm.hfToken());
        browseButton.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle(messages.get("settings.modelsDir"));
            File current = dev.karuku.app.ui.HomePaths.typed(vm.modelsDir().get()).toFile();
            if (current.isDirectory()) chooser.setInitialDirectory(current);
            File dir = chooser.showDialog(root.getScene().getWindow());
            if (dir != null) vm.chooseModelsDir(dir.toPath());
        });
        languageBox.getItems().setAll(LanguageChoice.values());
        languageBox.setConverter(names("settings.language."));
        languageBox.valueProperty().bindBidirectional(vm.language());
        themeBox.getItems().setAll(ThemeChoice.values());
        themeBox.setConverter(names("settings.theme."));
        themeBox.valueProperty().bindBidirectional(vm.theme());
        LoadSettingFields.bind(messages, contextSpinner, vm.contextLength(), kvBox, vm.kvCacheType(), threadsSpinner,
                vm.threads(), flashBox, vm.flashAttention());
        saveButton.setOnAction(e -> vm.save());
        openLogsButton.setOnAction(e -> openLogFolder.run());
        statusLabel.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.saveState().get()) {
            case CLEAN -> "";
            case SAVED -> messages.get("settings.saved");
            case FAILED -> messages.get("settings.saveFailed", vm.saveError().get());
        }, vm.saveState(), vm.saveError()));
        saveButton.setId("settings-save");
        tokenField.setId("settings-token");
    }

    private <E extends Enum<E>> StringConverter<E> names(String prefix) {
        return new StringConverter<>() {
            @Override public String toString(E e) { return e == null ? "" : messages.get(prefix + e.name().toLowerCase(Locale.ROOT)); }
            @Override public E fromString(String s) { return null; }
        };
    }
}
