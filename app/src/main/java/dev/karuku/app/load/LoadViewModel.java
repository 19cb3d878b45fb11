package dev.karuku.app.load;

import dev.karuku.app.settings.LoadDefaults;
import dev.karuku.app.ui.UiThread;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
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
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/// The Load screen: options with a live memory plan (re-estimated in the background on every change, latest
/// wins), "Auto" for the most GPU layers that fit, a cancellable load whose failure is explained, and on
/// success the model handed to the [ModelSession].
public final class LoadViewModel {
    private final ModelLoader loader;
    private final MemoryPlanner planner;
    private final ModelSession session;
    private final Executor background;
    private final UiThread ui;
    private final AtomicLong planGeneration = new AtomicLong();

    // Properties
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    private final IntegerProperty gpuLayers = new SimpleIntegerProperty(0);
    private final ReadOnlyIntegerWrapper maxGpuLayers = new ReadOnlyIntegerWrapper(0);
    private final IntegerProperty contextLength = new SimpleIntegerProperty();
    private final StringProperty kvCacheType = new SimpleStringProperty();
    private final BooleanProperty flashAttention = new SimpleBooleanProperty();
    private final IntegerProperty threads = new SimpleIntegerProperty();
    private final ReadOnlyObjectWrapper<MemoryPlanner.Plan> plan = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<LoadState> state = new ReadOnlyObjectWrapper<>(LoadState.IDLE);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private ModelLoader.Loading loading;
    private long loadTicket;

    public LoadViewModel(ModelLoader loader, MemoryPlanner planner, ModelSession session, LoadDefaults defaults,
                         Executor background, UiThread ui) {
        this.loader = loader;
        this.planner = planner;
        this.session = session;
        this.background = background;
        this.ui = ui;
        contextLength.set(defaults.contextLength());
        kvCacheType.set(defaults.kvCacheType());
        flashAttention.set(defaults.flashAttention());
        threads.set(defaults.threads());
        file.addListener((o, a, f) -> { state.set(LoadState.IDLE); error.set(""); replan(); });
        gpuLayers.addListener(o -> replan());
        contextLength.addListener(o -> replan());
        kvCacheType.addListener(o -> replan());
        flashAttention.addListener(o -> replan());
    }

    public ObjectProperty<Path> file() { return file; }
    public IntegerProperty gpuLayers() { return gpuLayers; }
    public ReadOnlyIntegerProperty maxGpuLayers() { return maxGpuLayers.getReadOnlyProperty(); }
    public IntegerProperty contextLength() { return contextLength; }
    public StringProperty kvCacheType() { return kvCacheType; }
    public BooleanProperty flashAttention() { return flashAttention; }
    public IntegerProperty threads() { return threads; }
    public ReadOnlyObjectProperty<MemoryPlanner.Plan> plan() { return plan.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<LoadState> state() { return state.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }

    public LoadRequest request() {
        return new LoadRequest(gpuLayers.get(), contextLength.get(), kvCacheType.get(), flashAttention.get(), threads.get());
    }

    // Commands

    /// Sets the GPU-layers slider to the most layers that fit.
    public void auto() {
        Path f = file.get();
        if (f == null) return;
        LoadRequest r = request();
        background.execute(() -> {
            try {
                int n = planner.autoLayers(f, r);
                ui.execute(() -> gpuLayers.set(n));
            } catch (RuntimeException e) {
                ui.execute(() -> error.set(e.getMessage()));
            }
        });
    }

    /// Loads the file with the options. The current model is unloaded first (its answer cancelled, its memory
    /// freed), so the new one never has to fit beside it.
    public void load() {
        Path f = file.get();
        if (f == null || state.get() == LoadState.LOADING) return;
        state.set(LoadState.LOADING);
        progress.set(0);
        error.set("");
        LoadRequest r = request();
        long ticket = ++loadTicket;
        session.unload().whenComplete((v, e) -> ui.execute(() -> {
            if (ticket == loadTicket && state.get() == LoadState.LOADING) start(f, r);
        }));
    }

    private void start(Path f, LoadRequest r) {
        ModelLoader.Loading l = loader.load(f, r, p -> ui.execute(() -> progress.set(p)));
        loading = l;
        l.result().whenComplete((loaded, failure) -> ui.execute(() -> {
            if (loading != l) return;
            loading = null;
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                error.set(cause instanceof java.util.concurrent.CancellationException ? "" : String.valueOf(cause.getMessage()));
                state.set(cause instanceof java.util.concurrent.CancellationException ? LoadState.IDLE : LoadState.FAILED);
            } else {
                session.set(loaded.model(), loaded.chat(), loaded.resources());
                progress.set(1);
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

    private void replan() {
        Path f = file.get();
        if (f == null) return;
        LoadRequest r = request();
        long gen = planGeneration.incrementAndGet();
        background.execute(() -> {
            try {
                MemoryPlanner.Plan p = planner.plan(f, r);
                ui.execute(() -> {
                    if (gen != planGeneration.get()) return;
                    maxGpuLayers.set(p.layers() + 1);
                    plan.set(p);
                });
            } catch (RuntimeException e) {
                ui.execute(() -> { if (gen == planGeneration.get()) error.set(e.getMessage()); });
            }
        });
    }
}
