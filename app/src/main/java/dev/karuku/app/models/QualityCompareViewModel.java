package dev.karuku.app.models;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.quality.QualityEvaluator;
import dev.karuku.engine.quality.QualityOptions;
import dev.karuku.engine.quality.QualityReport;
import dev.karuku.engine.quality.QualityResults;
import dev.karuku.engine.quality.SampleText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// "Compare quality" for one file of My Models: measures it against a reference file of the same model (the
/// largest other one by default) on the bundled sample or the user's text, in the background with progress and
/// cancel; finished results are kept (QualityResults), a cancelled run leaves none. [#results()] holds every
/// stored measurement against the chosen reference on the chosen text — the files of this model compared so far —
/// for the table and the size / KL-divergence chart.
public final class QualityCompareViewModel {

    public enum State { IDLE, RUNNING, DONE, CANCELLED, FAILED }

    private final ModelEntry model;
    private final List<ModelEntry> references;
    private final QualityResults store;
    private final UiThread ui;
    private final ObjectProperty<ModelEntry> reference = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> textFile = new SimpleObjectProperty<>(); // null: the bundled sample
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ReadOnlyObjectWrapper<State> state = new javafx.beans.property.ReadOnlyObjectWrapper<>(State.IDLE);
    private final ObservableList<QualityResults.Entry> results = FXCollections.observableArrayList();
    private volatile Cancellation cancel;

    /// @param all the entries of My Models; the references offered are the readable ones of the same architecture
    public QualityCompareViewModel(ModelEntry model, List<ModelEntry> all, QualityResults store, UiThread ui) {
        this.model = model;
        this.references = references(model, all);
        this.store = store;
        this.ui = ui;
        reference.set(references.isEmpty() ? null : references.getFirst());
        reference.addListener((o, a, b) -> reloadResults());
        textFile.addListener((o, a, b) -> reloadResults());
        reloadResults();
    }

    /// Readable files of the same architecture, largest first: what a comparison can use as its reference.
    public static List<ModelEntry> references(ModelEntry model, List<ModelEntry> all) {
        return all.stream().filter(e -> !e.path().equals(model.path()) && e.problem().isEmpty() && e.arch().equals(model.arch()))
                .sorted(Comparator.comparingLong(ModelEntry::size).reversed()).toList();
    }

    public ModelEntry model() { return model; }
    public List<ModelEntry> referenceChoices() { return references; }
    public ObjectProperty<ModelEntry> reference() { return reference; }
    public ObjectProperty<Path> textFile() { return textFile; }
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty running() { return running.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    public javafx.beans.property.ReadOnlyObjectProperty<State> state() { return state.getReadOnlyProperty(); }
    public ObservableList<QualityResults.Entry> results() { return results; }

    /// Starts measuring [#model()] against the chosen reference on its own platform thread (llama.cpp's calls stay
    /// on one thread, and a long native call must not pin a virtual thread's carrier).
    public void start() {
        ModelEntry ref = reference.get();
        if (ref == null || running.get()) return;
        Path textPath = textFile.get();
        Cancellation c = new Cancellation();
        cancel = c;
        running.set(true);
        error.set("");
        progress.set(0);
        state.set(State.RUNNING);
        Thread.ofPlatform().name("karuku-quality").daemon(true).start(() -> {
            try {
                String text = textPath == null ? SampleText.text() : Files.readString(textPath, StandardCharsets.UTF_8);
                QualityReport r = measure(ref.path(), text, c);
                store.put(new QualityResults.Entry(model.path(), ref.path(), QualityResults.textId(text), model.size(), r, Instant.now()));
                ui.execute(() -> finish(State.DONE, ""));
            } catch (CancellationException e) {
                ui.execute(() -> finish(State.CANCELLED, ""));
            } catch (IOException | RuntimeException e) {
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                ui.execute(() -> finish(State.FAILED, m));
            }
        });
    }

    public void cancel() {
        Cancellation c = cancel;
        if (c != null) c.cancel();
    }

    private QualityReport measure(Path referenceFile, String text, Cancellation c) {
        LlamaRuntime llama = LlamaRuntime.load();
        QualityOptions options = QualityOptions.defaults(CpuInfo.physicalCores());
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(options.contextLength()));
        try (Model ref = llama.loadModel(referenceFile, load); Model m = llama.loadModel(model.path(), load)) {
            return QualityEvaluator.evaluate(m, ref, text, options,
                    (done, total) -> ui.execute(() -> progress.set((double) done / total)), c);
        }
    }

    private void finish(State s, String message) {
        running.set(false);
        error.set(message);
        state.set(s);
        if (s == State.DONE) progress.set(1);
        reloadResults();
    }

    private void reloadResults() {
        ModelEntry ref = reference.get();
        if (ref == null) {
            results.clear();
            return;
        }
        String textId;
        try {
            textId = textFile.get() == null ? QualityResults.SAMPLE : QualityResults.textId(Files.readString(textFile.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            textId = "";
        }
        String id = textId;
        results.setAll(store.list().stream().filter(e -> e.reference().equals(ref.path()) && e.textId().equals(id))
                .sorted(Comparator.comparingLong(QualityResults.Entry::sizeBytes)).toList());
    }
}
