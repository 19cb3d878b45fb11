package dev.karuku.app.discover;

import dev.karuku.app.ui.NativesProblem;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.estimate.QuantChoices;
import dev.karuku.engine.estimate.QuantFile;
import dev.karuku.engine.estimate.QuantStop;
import dev.karuku.engine.estimate.SpeedEstimate;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hub.Access;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.ModelInfo;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.QuantHeaders;
import dev.karuku.engine.hub.RemoteGguf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// One Hub repo: its model card, and the quantization slider — one [StopItem] per quant, smallest first, each
/// estimated from the quant's own GGUF header read remotely (a few MB by range request, in parallel on virtual
/// threads) against this machine. The recommended stop is preselected once every estimate is in, unless the user
/// has already moved the slider. Every stop ends with an estimate or an error of its own: a quant whose header
/// cannot be read or estimated is marked on its stop and never holds back the others.
public final class ModelPageViewModel {
    private static final System.Logger LOG = System.getLogger(ModelPageViewModel.class.getName());

    private final String repo;
    private final Supplier<HubClient> hub;
    private final Supplier<Hardware> hardware;
    private final EstimateOptions options;
    private final ModelDownloads downloads;
    private final HeaderCache cache;
    private final Executor io;
    private final UiThread ui;
    private final DoubleSupplier cpuSpeed;
    private double cpuBytesPerSecond = SpeedEstimate.CPU_BYTES_PER_SECOND;
    private final ObservableList<StopItem> stops = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<StopItem> stopsReadOnly = FXCollections.unmodifiableObservableList(stops);
    private final ReadOnlyObjectWrapper<ModelPageState> state = new ReadOnlyObjectWrapper<>(ModelPageState.LOADING);
    private final ReadOnlyStringWrapper errorKey = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper readme = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Access> access = new ReadOnlyObjectWrapper<>(Access.GRANTED);
    private final ReadOnlyObjectWrapper<Hardware> machine = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper downloadErrorKey = new ReadOnlyStringWrapper("");
    private final IntegerProperty selected = new SimpleIntegerProperty(-1);
    private final Map<String, QuantFile> headers = new LinkedHashMap<>();
    private String commit;
    private boolean userMoved;
    private boolean settingSelection;

    public ModelPageViewModel(String repo, Supplier<HubClient> hub, Supplier<Hardware> hardware, EstimateOptions options,
                              ModelDownloads downloads, HeaderCache cache, Executor io, UiThread ui) {
        this(repo, hub, hardware, options, downloads, cache, io, ui, () -> SpeedEstimate.CPU_BYTES_PER_SECOND);
    }

    /// @param cpuSpeed how fast this machine reads weights from RAM (bytes/s, [MeasuredSpeeds#cpuBytesPerSecond()]);
    ///                 asked once per page, off the UI thread
    public ModelPageViewModel(String repo, Supplier<HubClient> hub, Supplier<Hardware> hardware, EstimateOptions options,
                              ModelDownloads downloads, HeaderCache cache, Executor io, UiThread ui, DoubleSupplier cpuSpeed) {
        this.cpuSpeed = cpuSpeed;
        this.repo = repo;
        this.cache = cache;
        this.hub = hub;
        this.hardware = hardware;
        this.options = options;
        this.downloads = downloads;
        this.io = io;
        this.ui = ui;
        selected.addListener((o, a, b) -> { if (!settingSelection) userMoved = true; });
    }

    // Properties

    public String repo() { return repo; }
    /// Slider stops, smallest download first.
    public ObservableList<StopItem> stops() { return stopsReadOnly; }
    public ReadOnlyObjectProperty<ModelPageState> state() { return state.getReadOnlyProperty(); }
    public ReadOnlyStringProperty errorKey() { return errorKey.getReadOnlyProperty(); }
    /// The argument of [#errorKey]'s message (the folders looked in when llama.cpp's libraries are missing).
    public ReadOnlyStringProperty errorDetail() { return errorDetail.getReadOnlyProperty(); }
    /// The model card's Markdown ("" when the repo has none).
    public ReadOnlyStringProperty readme() { return readme.getReadOnlyProperty(); }
    /// Whether this user may download the files (gated repos need an approved token).
    public ReadOnlyObjectProperty<Access> access() { return access.getReadOnlyProperty(); }
    /// The machine the estimates are for (RAM and VRAM it has); null until known.
    public ReadOnlyObjectProperty<Hardware> machine() { return machine.getReadOnlyProperty(); }
    public ReadOnlyStringProperty downloadErrorKey() { return downloadErrorKey.getReadOnlyProperty(); }
    /// Index of the chosen stop (-1 before the file list is in).
    public IntegerProperty selected() { return selected; }

    public StopItem selectedStop() {
        int i = selected.get();
        return i >= 0 && i < stops.size() ? stops.get(i) : null;
    }

    // Commands

    /// Reads the repo (info pinned to its commit, file list, model card, access) and starts the header fetches.
    public void open() {
        state.set(ModelPageState.LOADING);
        io.execute(() -> {
            try {
                HubClient client = hub.get();
                ModelInfo info = client.modelInfo(repo);
                String sha = info.sha().orElse("main");
                GgufRepoFiles files = GgufRepoFiles.group(client.tree(repo, sha));
                Access a = info.gated().gated() ? client.authCheck(repo) : Access.GRANTED;
                String card = client.readme(repo, sha).map(ModelPageViewModel::withoutFrontMatter).orElse("");
                Hardware hw = hardware.get();
                double cpu = cpuSpeed.getAsDouble();
                List<QuantChoice> sorted = new ArrayList<>(files.models());
                sorted.sort(Comparator.comparingLong(QuantChoice::totalBytes));
                int preselect = files.defaultChoice().map(sorted::indexOf).orElse(sorted.isEmpty() ? -1 : 0);
                Map<String, ModelDownloads.Have> here = new LinkedHashMap<>();
                for (QuantChoice q : sorted) here.put(q.label(), downloads.have(repo, q.label()));
                Map<String, dev.karuku.engine.quality.QualityResults.Entry> measured = new LinkedHashMap<>();
                for (QuantChoice q : sorted) downloads.measured(repo, q.label()).ifPresent(e -> measured.put(q.label(), e));
                if (sorted.isEmpty()) { // nothing to pick: say so instead of a slider that waits for stops forever
                    ui.execute(() -> {
                        readme.set(card);
                        errorKey.set("model.noGguf");
                        state.set(ModelPageState.ERROR);
                    });
                    return;
                }
                ui.execute(() -> {
                    commit = sha;
                    machine.set(hw);
                    cpuBytesPerSecond = cpu;
                    access.set(a);
                    readme.set(card);
                    stops.setAll(sorted.stream().map(StopItem::new).toList());
                    for (StopItem s : stops) s.have(here.get(s.label()));
                    for (StopItem s : stops) s.measured(measured.get(s.label()));
                    select(preselect);
                    state.set(ModelPageState.READY);
                    for (StopItem s : stops) fetchHeader(client, sha, s);
                });
            } catch (Exception | Error e) { // an Error too (natives missing for the hardware probe): never loading forever
                LOG.log(System.Logger.Level.WARNING, "cannot open " + repo, e);
                // the hardware probe needs llama.cpp's libraries: their absence is no Hub failure
                String folders = NativesProblem.folders(e).orElse("");
                String key = folders.isEmpty() ? HubErrorKeys.of(e) : NativesProblem.KEY;
                ui.execute(() -> {
                    errorDetail.set(folders);
                    errorKey.set(key);
                    state.set(ModelPageState.ERROR);
                });
            }
        });
    }

    /// Queues the chosen quant for download; false when nothing can be downloaded now.
    public boolean download() {
        StopItem s = selectedStop();
        if (s == null || commit == null || access.get() != Access.GRANTED || s.have().get() != ModelDownloads.Have.NONE) return false;
        try {
            downloads.download(repo, commit, s.choice());
            s.have(ModelDownloads.Have.DOWNLOADING); // a second press queues nothing more
            downloadErrorKey.set("");
            return true;
        } catch (Exception e) {
            downloadErrorKey.set(HubErrorKeys.of(e));
            return false;
        }
    }

    private void fetchHeader(HubClient client, String sha, StopItem stop) {
        var cached = cache.get(repo, sha, stop.label());
        if (cached.isPresent()) {
            headers.put(stop.label(), cached.get());
            estimate();
            return;
        }
        try {
            io.execute(() -> {
                try {
                    QuantHeaders h = new RemoteGguf(client).headers(repo, sha, stop.choice());
                    QuantFile file = new QuantFile(stop.label(), h.shards(), stop.sizeBytes());
                    cache.put(repo, sha, file);
                    ui.execute(() -> {
                        headers.put(stop.label(), file);
                        estimate();
                    });
                } catch (Exception | Error e) { // whatever happens, the stop shows it (no spinner forever)
                    LOG.log(System.Logger.Level.WARNING, "no header for " + repo + " " + stop.label(), e);
                    String key = e instanceof dev.karuku.engine.gguf.GgufException ? "discover.stop.unreadable" : HubErrorKeys.of(e);
                    ui.execute(() -> fail(stop, key));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the window was closed while the page opened: nobody is left to read the header for
        }
    }

    /// Recomputes every stop from the headers in so far (the recommendation compares them all). A quant the
    /// estimator rejects is taken out and marked, so one odd file does not leave the others without an estimate.
    private void estimate() {
        List<QuantStop> computed;
        try {
            computed = QuantChoices.stops(List.copyOf(headers.values()), options, machine.get(), cpuBytesPerSecond);
        } catch (RuntimeException e) {
            int before = headers.size();
            for (QuantFile q : List.copyOf(headers.values())) {
                try {
                    QuantChoices.stops(List.of(q), options, machine.get());
                } catch (RuntimeException bad) {
                    LOG.log(System.Logger.Level.WARNING, "cannot estimate " + repo + " " + q.label(), bad);
                    headers.remove(q.label());
                    stops.stream().filter(s -> s.label().equals(q.label())).findFirst().ifPresent(s -> s.fail("discover.stop.unreadable"));
                }
            }
            if (headers.size() == before) { // each alone is fine, together they are not: mark what has no estimate
                LOG.log(System.Logger.Level.WARNING, "cannot estimate " + repo, e);
                for (StopItem s : stops) if (headers.containsKey(s.label()) && !s.ready()) s.fail("discover.stop.unreadable");
                return;
            }
            if (!headers.isEmpty()) estimate();
            else if (stops.stream().allMatch(StopItem::ready)) preselectRecommended();
            return;
        }
        for (QuantStop q : computed) {
            stops.stream().filter(s -> s.label().equals(q.label())).findFirst().ifPresent(s -> s.set(q));
        }
        if (stops.stream().allMatch(StopItem::ready)) preselectRecommended();
    }

    private void fail(StopItem stop, String key) {
        stop.fail(key);
        if (stops.stream().allMatch(StopItem::ready)) preselectRecommended();
    }

    private void preselectRecommended() {
        if (userMoved) return;
        for (int i = 0; i < stops.size(); i++) {
            QuantStop q = stops.get(i).estimate().get();
            if (q != null && q.recommended()) {
                select(i);
                return;
            }
        }
    }

    private void select(int i) {
        settingSelection = true;
        selected.set(i);
        settingSelection = false;
    }

    /// A model card starts with YAML metadata between `---` lines; people read what follows.
    static String withoutFrontMatter(String md) {
        if (!md.startsWith("---")) return md;
        int end = md.indexOf("\n---", 3);
        if (end < 0) return md;
        int nl = md.indexOf('\n', end + 4);
        return nl < 0 ? "" : md.substring(nl + 1);
    }
}
