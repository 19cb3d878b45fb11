package dev.karuku.app.settings;

import dev.karuku.app.ui.HomePaths;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/// The Settings screen. Fields are edited in place; theme and language take effect (and are saved) as soon as
/// they are picked, the rest on [#save()]. [#settings()] is what the rest of the app follows.
public final class SettingsViewModel {
    /// Outcome of the last save, for the screen's status line.
    public enum SaveState { CLEAN, SAVED, FAILED }

    private static final System.Logger LOG = System.getLogger("dev.karuku.app.settings");

    private final SettingsStore store;
    private final Executor disk;
    private final UiThread ui;

    // Properties
    private final ReadOnlyObjectWrapper<Settings> settings;
    private final StringProperty modelsDir = new SimpleStringProperty();
    private final StringProperty hfToken = new SimpleStringProperty();
    private final ObjectProperty<LanguageChoice> language = new SimpleObjectProperty<>();
    private final ObjectProperty<ThemeChoice> theme = new SimpleObjectProperty<>();
    private final IntegerProperty contextLength = new SimpleIntegerProperty();
    private final ObjectProperty<KvCacheType> kvCacheType = new SimpleObjectProperty<>();
    private final ObjectProperty<FlashAttention> flashAttention = new SimpleObjectProperty<>();
    private final IntegerProperty threads = new SimpleIntegerProperty();
    private final ReadOnlyObjectWrapper<SaveState> saveState = new ReadOnlyObjectWrapper<>(SaveState.CLEAN);
    private final ReadOnlyObjectWrapper<String> saveError = new ReadOnlyObjectWrapper<>("");

    public SettingsViewModel(Settings initial, SettingsStore store, Executor disk, UiThread ui) {
        this.store = store;
        this.disk = disk;
        this.ui = ui;
        this.settings = new ReadOnlyObjectWrapper<>(initial);
        reset(initial);
        language.addListener((o, a, b) -> { if (b != null && b != settings.get().language()) save(); });
        theme.addListener((o, a, b) -> { if (b != null && b != settings.get().theme()) save(); });
    }

    public ReadOnlyObjectProperty<Settings> settings() { return settings.getReadOnlyProperty(); }
    public StringProperty modelsDir() { return modelsDir; }
    public StringProperty hfToken() { return hfToken; }
    public ObjectProperty<LanguageChoice> language() { return language; }
    public ObjectProperty<ThemeChoice> theme() { return theme; }
    public IntegerProperty contextLength() { return contextLength; }
    public ObjectProperty<KvCacheType> kvCacheType() { return kvCacheType; }
    public ObjectProperty<FlashAttention> flashAttention() { return flashAttention; }
    public IntegerProperty threads() { return threads; }
    public ReadOnlyObjectProperty<SaveState> saveState() { return saveState.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<String> saveError() { return saveError.getReadOnlyProperty(); }

    // Commands

    /// Applies the edited fields and writes them to disk in the background.
    public void save() {
        Settings s = new Settings(modelsDir.get().isBlank() ? settings.get().modelsDir() : HomePaths.typed(modelsDir.get()),
                hfToken.get(), language.get(), theme.get(),
                LoadSettings.of(LoadSettings.ALL_LAYERS, Math.max(256, contextLength.get()), kvCacheType.get(), flashAttention.get(), Math.max(0, threads.get())));
        settings.set(s);
        disk.execute(() -> {
            try {
                store.save(s);
                ui.execute(() -> { saveError.set(""); saveState.set(SaveState.SAVED); });
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not save settings", e);
                ui.execute(() -> { saveError.set(e.getMessage()); saveState.set(SaveState.FAILED); });
            }
        });
    }

    /// Sets the models folder (from the folder chooser) and saves.
    public void chooseModelsDir(Path dir) {
        modelsDir.set(HomePaths.shown(dir));
        save();
    }

    private void reset(Settings s) {
        modelsDir.set(HomePaths.shown(s.modelsDir())); // ~/… for a folder in the home folder
        hfToken.set(s.hfToken());
        language.set(s.language());
        theme.set(s.theme());
        contextLength.set(s.loadDefaults().contextLength());
        kvCacheType.set(s.loadDefaults().kvType());
        flashAttention.set(s.loadDefaults().flashAttention());
        threads.set(s.loadDefaults().threads());
    }
}
