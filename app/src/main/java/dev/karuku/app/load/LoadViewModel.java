package dev.karuku.app.load;

import dev.karuku.app.ui.NativesProblem;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// The Load screen: a model opens on the options that fit best on this PC (or on the ones chosen for it last
/// time), with a live memory plan (re-estimated in the background on every change, latest wins), "Auto" to go
/// back to the best fit, a cancellable load whose failure is explained, and on success the model handed to the
/// [ModelSession] and the choice remembered for the model. A draft model from the library (one that shares the model's
/// vocabulary) and prompt lookup can speed up its replies; the plan then counts the draft's memory too.
public final class LoadViewModel {
    private final ModelLoader loader;
    private final MemoryPlanner planner;
    private final DraftFinder draftFinder;
    private final ModelSession session;
    private final Supplier<LoadSettings> defaults;
    private final LoadChoices choices;
    private final Executor background;
    private final UiThread ui;
    private final AtomicLong planGeneration = new AtomicLong();
    private final AtomicLong fitGeneration = new AtomicLong();
    private final AtomicLong draftGeneration = new AtomicLong();

    // Properties
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    private final IntegerProperty gpuLayers = new SimpleIntegerProperty(0);
    private final ReadOnlyIntegerWrapper maxGpuLayers = new ReadOnlyIntegerWrapper(0);
    private final IntegerProperty contextLength = new SimpleIntegerProperty();
    private final ObjectProperty<KvCacheType> kvCacheType = new SimpleObjectProperty<>();
    private final ObjectProperty<FlashAttention> flashAttention = new SimpleObjectProperty<>();
    private final IntegerProperty threads = new SimpleIntegerProperty();
    private final ReadOnlyObjectWrapper<MemoryPlanner.Plan> plan = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper bestFitShown = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper remembered = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<LoadState> state = new ReadOnlyObjectWrapper<>(LoadState.IDLE);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorKey = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<LoadStage> stage = new ReadOnlyObjectWrapper<>(LoadStage.NONE);
    private final ObservableList<Path> drafts = FXCollections.observableArrayList();
    private final ObservableList<Path> draftsReadOnly = FXCollections.unmodifiableObservableList(drafts);
    private final ReadOnlyBooleanWrapper draftsFound = new ReadOnlyBooleanWrapper();
    private final ObjectProperty<Path> draft = new SimpleObjectProperty<>();
    private final BooleanProperty lookup = new SimpleBooleanProperty();
    /// The last model loaded (or tried) and its options, for Reload after its process stopped.
    private Path lastFile;
    private LoadSettings lastSettings;
    private SpeculativeSettings lastSpeculative = SpeculativeSettings.OFF;
    private ModelLoader.Loading loading;
    /// The best fit of the file shown (null until computed); a load with other options is remembered.
    private LoadSettings bestFit;
    /// True while options are being set together (one plan afterwards, not one per option).
    private boolean applying;
    private long loadTicket;

    /// @param defaults the Settings' load options, as they are now
    /// @param choices  the options chosen per model (null: nothing is remembered)
    public LoadViewModel(ModelLoader loader, MemoryPlanner planner, ModelSession session, Supplier<LoadSettings> defaults,
                         LoadChoices choices, Executor background, UiThread ui) {
        this(loader, planner, DraftFinder.NONE, session, defaults, choices, background, ui);
    }

    /// @param drafts the library's models that can draft for a model
    public LoadViewModel(ModelLoader loader, MemoryPlanner planner, DraftFinder drafts, ModelSession session,
                         Supplier<LoadSettings> defaults, LoadChoices choices, Executor background, UiThread ui) {
        this.loader = loader;
        this.planner = planner;
        this.draftFinder = drafts;
        this.session = session;
        this.defaults = defaults;
        this.choices = choices;
        this.background = background;
        this.ui = ui;
        LoadSettings d = defaults.get();
        contextLength.set(d.contextLength());
        kvCacheType.set(d.kvType());
        flashAttention.set(d.flashAttention());
        threads.set(d.threads());
        file.addListener((o, a, f) -> { state.set(LoadState.IDLE); setError("", ""); findDrafts(f); startFromBestFit(f); });
        // the model went away (unloaded, or its process stopped): this screen no longer shows it loaded
        session.loaded().addListener((o, a, m) -> { if (m == null && state.get() == LoadState.LOADED) state.set(LoadState.IDLE); });
        gpuLayers.addListener(o -> changed());
        contextLength.addListener(o -> changed());
        kvCacheType.addListener(o -> changed());
        draft.addListener(o -> changed());
        flashAttention.addListener((o, a, f) -> {
            // llama.cpp refuses a quantized V cache with flash attention off
            if (f == FlashAttention.OFF && kvCacheType.get().isQuantized()) kvCacheType.set(KvCacheType.F16);
            changed();
        });
    }

    public ObjectProperty<Path> file() { return file; }
    public IntegerProperty gpuLayers() { return gpuLayers; }
    public ReadOnlyIntegerProperty maxGpuLayers() { return maxGpuLayers.getReadOnlyProperty(); }
    public IntegerProperty contextLength() { return contextLength; }
    public ObjectProperty<KvCacheType> kvCacheType() { return kvCacheType; }
    public ObjectProperty<FlashAttention> flashAttention() { return flashAttention; }
    public IntegerProperty threads() { return threads; }
    public ReadOnlyObjectProperty<MemoryPlanner.Plan> plan() { return plan.getReadOnlyProperty(); }
    /// True while the options shown are the best fit for this PC.
    public ReadOnlyBooleanProperty bestFitShown() { return bestFitShown.getReadOnlyProperty(); }
    /// True while the options shown are the ones chosen for this model last time.
    public ReadOnlyBooleanProperty remembered() { return remembered.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<LoadState> state() { return state.getReadOnlyProperty(); }
    /// The model in memory (null when none), with what llama.cpp measured while loading it.
    public ReadOnlyObjectProperty<LoadedModel> loaded() { return session.loaded(); }
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    /// What went wrong: llama.cpp's or the estimator's reason, or the argument of [#errorKey]'s message.
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// The message key for [#error] ("" for the plain "could not be loaded" message).
    public ReadOnlyStringProperty errorKey() { return errorKey.getReadOnlyProperty(); }
    /// What a load in progress is doing: starting the model's process, then reading the file.
    public ReadOnlyObjectProperty<LoadStage> stage() { return stage.getReadOnlyProperty(); }

    /// The library's models that can draft for the model shown (same vocabulary, smaller), smallest first.
    public ObservableList<Path> drafts() { return draftsReadOnly; }
    /// True once [#drafts] is known for the model shown (the library's headers are read in the background).
    public ReadOnlyBooleanProperty draftsFound() { return draftsFound.getReadOnlyProperty(); }
    /// The draft model chosen, one of [#drafts] (null: none).
    public ObjectProperty<Path> draft() { return draft; }
    /// Whether prompt lookup proposes tokens (continuations of what the conversation already holds).
    public BooleanProperty lookup() { return lookup; }

    /// What a load is doing.
    public enum LoadStage { NONE, STARTING_WORKER, READING }

    /// Speculative decoding as chosen: the draft model and prompt lookup.
    public SpeculativeSettings speculative() {
        return SpeculativeSettings.OFF.withDraft(draft.get()).withLookup(lookup.get());
    }

    public LoadSettings request() {
        return LoadSettings.of(gpuLayers.get(), contextLength.get(), kvCacheType.get(), flashAttention.get(), threads.get());
    }

    // Commands

    /// Goes back to the options that fit best on this PC.
    public void auto() {
        Path f = file.get();
        if (f == null) return;
        LoadSettings base = baseRequest();
        long gen = fitGeneration.incrementAndGet();
        background.execute(() -> {
            try {
                LoadSettings best = planner.bestFit(f, base);
                ui.execute(() -> {
                    if (gen != fitGeneration.get() || !f.equals(file.get())) return;
                    bestFit = best;
                    apply(best);
                });
            } catch (RuntimeException | LinkageError e) {
                ui.execute(() -> fail(e));
            }
        });
    }

    /// Loads the file with the options. The current model is unloaded first (its answer cancelled, its memory
    /// freed), so the new one never has to fit beside it.
    public void load() {
        Path f = file.get();
        if (f == null || state.get() == LoadState.LOADING) return;
        begin(f, request(), speculative(), bestFit, true);
    }

    /// Loads the last model again with the options it had (after its process stopped, or to undo an Unload).
    public void reload() {
        if (lastFile == null || state.get() == LoadState.LOADING) return;
        if (!lastFile.equals(file.get())) file.set(lastFile); // the screen shows what loads; its options follow
        begin(lastFile, lastSettings, lastSpeculative, null, false); // remembered (or not) when first loaded
    }

    /// True when there is a model to [#reload].
    public boolean canReload() {
        return lastFile != null;
    }

    /// Unloads the model (its answer is cancelled, its process ends and gives its memory back).
    public void unload() {
        cancel();
        session.unload();
        if (state.get() == LoadState.LOADED) state.set(LoadState.IDLE);
    }

    private void begin(Path f, LoadSettings r, SpeculativeSettings spec, LoadSettings best, boolean remember) {
        state.set(LoadState.LOADING);
        progress.set(0);
        stage.set(LoadStage.NONE);
        setError("", "");
        lastFile = f;
        lastSettings = r;
        lastSpeculative = spec;
        long ticket = ++loadTicket;
        session.unload().whenComplete((v, e) -> ui.execute(() -> {
            if (ticket == loadTicket && state.get() == LoadState.LOADING) start(f, r, spec, best, remember);
        }));
    }

    private void start(Path f, LoadSettings r, SpeculativeSettings spec, LoadSettings best, boolean rememberIt) {
        ModelLoader.Loading l = loader.load(f, r, spec, new ModelLoader.Progress() {
            @Override public void startingWorker() {
                ui.execute(() -> { stage.set(LoadStage.STARTING_WORKER); progress.set(-1); });
            }
            @Override public void loading(double p) {
                ui.execute(() -> { stage.set(LoadStage.READING); progress.set(p); });
            }
        });
        loading = l;
        l.result().whenComplete((loaded, failure) -> ui.execute(() -> {
            if (loading != l) return;
            loading = null;
            stage.set(LoadStage.NONE);
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof CancellationException) state.set(LoadState.IDLE);
                else {
                    System.getLogger("dev.karuku.app.load").log(System.Logger.Level.ERROR, "Loading " + f + " failed", cause);
                    fail(cause);
                    state.set(LoadState.FAILED);
                }
            } else {
                session.set(loaded.model(), loaded.chat(), loaded.resources());
                progress.set(1);
                if (choices != null && rememberIt) remember(f, r, spec, best); // before LOADED: whoever sees it loaded sees it remembered
                state.set(LoadState.LOADED);
            }
        }));
    }

    /// Cancels a load in progress (or one still waiting for the old model to be freed).
    public void cancel() {
        if (loading != null) {
            loading.cancel();
        } else if (state.get() == LoadState.LOADING) {
            loadTicket++;
            state.set(LoadState.IDLE);
        }
    }

    /// The options a file starts from before the best fit sets layers and context: the Settings defaults.
    private LoadSettings baseRequest() {
        LoadSettings d = defaults.get();
        return LoadSettings.of(0, d.contextLength(), d.kvType(), d.flashAttention(), threads.get());
    }

    /// Lists the library's models that can draft for `f` (in the background), then selects the draft and prompt lookup
    /// chosen for it last time; until then, and for a model with none, no draft and no lookup.
    private void findDrafts(Path f) {
        long gen = draftGeneration.incrementAndGet();
        drafts.clear();
        draftsFound.set(false);
        draft.set(null);
        lookup.set(false);
        if (f == null) return;
        background.execute(() -> {
            java.util.List<Path> found;
            SpeculativeSettings chosen;
            try {
                found = draftFinder.drafts(f);
                chosen = choices == null ? SpeculativeSettings.OFF : choices.speculative(f);
            } catch (RuntimeException e) {
                System.getLogger(LoadViewModel.class.getName()).log(System.Logger.Level.WARNING, "cannot list draft models", e);
                found = java.util.List.of();
                chosen = SpeculativeSettings.OFF;
            }
            java.util.List<Path> list = found;
            SpeculativeSettings remembered = chosen;
            ui.execute(() -> {
                if (gen != draftGeneration.get() || !f.equals(file.get())) return;
                drafts.setAll(list);
                draftsFound.set(true);
                // a remembered draft that left the library (deleted, moved) is not offered, so not chosen
                Path d = remembered.draft() == null ? null : list.stream()
                        .filter(p -> p.toAbsolutePath().normalize().equals(remembered.draft().toAbsolutePath().normalize()))
                        .findFirst().orElse(null);
                if (d != null) draft.set(d);
                lookup.set(remembered.lookup());
            });
        });
    }

    /// Opens `f` on what was chosen for it last time, else on its best fit (computed in the background; the
    /// plan follows once the options are set).
    private void startFromBestFit(Path f) {
        bestFit = null;
        bestFitShown.set(false);
        remembered.set(false);
        if (f == null) return;
        LoadSettings base = baseRequest();
        long gen = fitGeneration.incrementAndGet();
        replan(); // the bars, the slider's range and a context the model supports before the best fit is in
        background.execute(() -> {
            LoadSettings best;
            try {
                best = planner.bestFit(f, base);
            } catch (RuntimeException | LinkageError e) {
                ui.execute(() -> { if (gen == fitGeneration.get()) { fail(e); replan(); } });
                return;
            }
            LoadSettings chosen = choices == null ? null : choices.get(f).orElse(null);
            ui.execute(() -> {
                if (gen != fitGeneration.get() || !f.equals(file.get())) return;
                bestFit = best;
                apply(chosen != null ? chosen.withThreads(threads.get()) : best);
            });
        });
    }

    private void apply(LoadSettings r) {
        applying = true;
        try {
            flashAttention.set(r.flashAttention());
            kvCacheType.set(r.kvType());
            contextLength.set(r.contextLength());
            gpuLayers.set(r.gpuLayers());
        } finally {
            applying = false;
        }
        changed();
    }

    private void changed() {
        if (applying) return;
        LoadSettings r = request();
        bestFitShown.set(bestFit != null && r.withThreads(0).equals(bestFit.withThreads(0)));
        remembered.set(!bestFitShown.get() && choices != null && file.get() != null
                && choices.get(file.get()).map(c -> c.equals(r.withThreads(0))).orElse(false));
        replan();
    }

    private void remember(Path f, LoadSettings chosen, SpeculativeSettings spec, LoadSettings best) {
        background.execute(() -> {
            try {
                choices.remember(f, chosen, best, spec);
            } catch (RuntimeException e) {
                // the model is loaded; only next time's starting point is lost
                System.getLogger(LoadViewModel.class.getName()).log(System.Logger.Level.WARNING, "cannot remember load options", e);
            }
        });
    }

    private void fail(Throwable e) {
        if (e instanceof EngineStopped stopped) {
            setError("load.engineStopped", stopped.reason());
            return;
        }
        String folders = NativesProblem.folders(e).orElse("");
        if (folders.isEmpty()) setError("", String.valueOf(e.getMessage()));
        else setError(NativesProblem.KEY, folders);
    }

    private void setError(String key, String text) {
        errorKey.set(key);
        error.set(text);
    }

    private void replan() {
        Path f = file.get();
        if (f == null) return;
        LoadSettings r = request();
        Path d = draft.get();
        long gen = planGeneration.incrementAndGet();
        background.execute(() -> {
            try {
                MemoryPlanner.Plan p = planner.plan(f, r, d);
                ui.execute(() -> {
                    if (gen != planGeneration.get()) return;
                    maxGpuLayers.set(p.layers() + 1);
                    plan.set(p);
                    // more context than the model was trained for only makes llama.cpp warn: never start above it
                    // (the Settings default of 4096 on a model trained for 512, before the best fit is in; a
                    // choice made after the best fit is the user's)
                    if (bestFit == null && p.trainedContext() > 0 && contextLength.get() > p.trainedContext()) {
                        contextLength.set((int) p.trainedContext());
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                ui.execute(() -> { if (gen == planGeneration.get()) fail(e); });
            }
        });
    }
}
