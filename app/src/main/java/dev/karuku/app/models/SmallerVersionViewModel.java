package dev.karuku.app.models;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizePlan;
import dev.karuku.engine.quality.QualityOptions;
import dev.karuku.engine.quality.QualityResults;
import dev.karuku.engine.quality.SampleText;
import dev.karuku.engine.quality.SmallerVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/// "Make a smaller version…" of a full-precision file in My Models (F32, F16, BF16, Q8_0): the type (Q4_K_M,
/// Q5_K_S and IQ3_S first, then every other type llama.cpp makes from a dense model), its size predicted by
/// llama.cpp's dry run against the disk's free space, an optional importance matrix from a text; then
/// [SmallerVersion] in the background with progress and cancel. The new file lands next to its source, joins the
/// library, and its comparison with the source (on the bundled sample text) is kept with the others (quality.json),
/// so Compare quality and the model page show it. A cancel or a failure keeps nothing.
public final class SmallerVersionViewModel {

    public enum State { IDLE, RUNNING, DONE, CANCELLED, FAILED }

    /// Types llama.cpp has that are no target for an ordinary dense model: full precision, and the formats made for
    /// mixture-of-experts (MXFP4) or ternary (TQ) models.
    private static final EnumSet<FileType> NOT_OFFERED = EnumSet.of(FileType.ALL_F32, FileType.MOSTLY_F16, FileType.MOSTLY_BF16,
            FileType.MOSTLY_MXFP4_MOE, FileType.MOSTLY_TQ1_0, FileType.MOSTLY_TQ2_0);

    private final ModelEntry source;
    private final List<FileType> types;
    private final QualityResults store;
    private final ModelLibrary library;
    private final Runnable refresh;
    private final Executor background;
    private final UiThread ui;
    private final QualityOptions quality;
    private final ObjectProperty<FileType> type = new SimpleObjectProperty<>();
    private final BooleanProperty useImatrix = new SimpleBooleanProperty(false);
    private final ObjectProperty<Path> imatrixText = new SimpleObjectProperty<>(); // null: the bundled sample
    private final ReadOnlyLongWrapper predictedBytes = new ReadOnlyLongWrapper(-1);
    private final ReadOnlyLongWrapper neededBytes = new ReadOnlyLongWrapper(-1);
    private final ReadOnlyLongWrapper freeBytes = new ReadOnlyLongWrapper(-1);
    private final ReadOnlyBooleanWrapper needsImatrix = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.IDLE);
    private final ReadOnlyObjectWrapper<SmallerVersion.Stage> stage = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<SmallerVersion.Result> result = new ReadOnlyObjectWrapper<>();
    private volatile Cancellation cancel;
    /// Sees each progress report on the working thread before the window does (tests hold the work at a stage here).
    volatile SmallerVersion.Listener workingThreadProgress = (s, f) -> {};
    private int planAsked;

    /// @param refresh re-reads My Models (run on the UI thread once the file is made)
    public SmallerVersionViewModel(ModelEntry source, QualityResults store, ModelLibrary library, Runnable refresh, Executor background,
                                   UiThread ui, QualityOptions quality) {
        this.source = source;
        this.store = store;
        this.library = library;
        this.refresh = refresh;
        this.background = background;
        this.ui = ui;
        this.quality = quality;
        this.types = offered(source.quant());
        type.set(types.getFirst());
        type.addListener((o, a, b) -> plan());
        useImatrix.addListener((o, a, b) -> plan());
        plan();
    }

    /// The app's: 512-token chunks on all the sample holds, physical cores.
    public SmallerVersionViewModel(ModelEntry source, QualityResults store, ModelLibrary library, Runnable refresh, Executor background, UiThread ui) {
        this(source, store, library, refresh, background, ui, QualityOptions.defaults(CpuInfo.physicalCores()));
    }

    /// The pinned three first, then every other type smaller than the source's, in llama.cpp's order.
    static List<FileType> offered(String sourceQuant) {
        List<FileType> out = new ArrayList<>(SmallerVersion.FIRST);
        for (FileType t : FileType.values()) {
            if (!out.contains(t) && !NOT_OFFERED.contains(t) && !t.label().equalsIgnoreCase(sourceQuant)) out.add(t);
        }
        return out;
    }

    public ModelEntry source() { return source; }
    public List<FileType> types() { return types; }
    public ObjectProperty<FileType> type() { return type; }
    public BooleanProperty useImatrix() { return useImatrix; }
    public ObjectProperty<Path> imatrixText() { return imatrixText; }
    /// The new file's size as llama.cpp's dry run predicts it; -1 while it is worked out or when it cannot be.
    public ReadOnlyLongProperty predictedBytes() { return predictedBytes.getReadOnlyProperty(); }
    /// Bytes the making needs on the disk (with a matrix, a second file exists for a while).
    public ReadOnlyLongProperty neededBytes() { return neededBytes.getReadOnlyProperty(); }
    public ReadOnlyLongProperty freeBytes() { return freeBytes.getReadOnlyProperty(); }
    /// llama.cpp refuses the chosen type without an importance matrix.
    public ReadOnlyBooleanProperty needsImatrix() { return needsImatrix.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<State> state() { return state.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<SmallerVersion.Stage> stage() { return stage.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty progress() { return progress.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<SmallerVersion.Result> result() { return result.getReadOnlyProperty(); }

    /// Whether Make can start: the size known, room for it, a matrix where the type needs one.
    public boolean canStart() {
        return state.get() != State.RUNNING && predictedBytes.get() > 0 && neededBytes.get() <= freeBytes.get()
                && (!needsImatrix.get() || useImatrix.get());
    }

    private void plan() {
        FileType t = type.get();
        boolean matrix = useImatrix.get();
        int asked = ++planAsked;
        predictedBytes.set(-1);
        Path out = SmallerVersion.outputFor(source.path(), t);
        background.execute(() -> {
            long predicted = -1;
            long needed = -1;
            long free = -1;
            boolean needs = false;
            try {
                QuantizePlan p = LlamaRuntime.load().planQuantization(source.path(), t, matrix);
                // the dry run without a matrix says whether the type needs one
                needs = matrix ? LlamaRuntime.load().planQuantization(source.path(), t, false).needsImatrix() : p.needsImatrix();
                predicted = p.predictedBytes();
                needed = SmallerVersion.spaceNeeded(p, matrix && !needs);
                free = SmallerVersion.freeBytes(out);
            } catch (IOException | RuntimeException e) {
                String m = String.valueOf(e.getMessage());
                ui.execute(() -> { if (asked == planAsked) error.set(m); });
            }
            long p0 = predicted, n0 = needed, f0 = free;
            boolean needs0 = needs;
            ui.execute(() -> {
                if (asked != planAsked) return; // a later choice asked again
                needsImatrix.set(needs0);
                neededBytes.set(n0);
                freeBytes.set(f0);
                predictedBytes.set(p0);
            });
        });
    }

    /// Makes the file on its own platform thread (llama.cpp's calls stay on one thread; a long native call must not
    /// pin a virtual thread's carrier).
    public void start() {
        if (!canStart()) return;
        FileType t = type.get();
        Path textFile = useImatrix.get() ? imatrixText.get() : null;
        boolean matrix = useImatrix.get();
        Path out = SmallerVersion.outputFor(source.path(), t);
        Cancellation c = new Cancellation();
        cancel = c;
        error.set("");
        result.set(null);
        progress.set(0);
        stage.set(null);
        state.set(State.RUNNING);
        Thread.ofPlatform().name("karuku-smaller-version").daemon(true).start(() -> {
            try {
                String matrixText = !matrix ? null : textFile == null ? SampleText.text() : Files.readString(textFile, StandardCharsets.UTF_8);
                String sample = SampleText.text();
                var r = SmallerVersion.make(new SmallerVersion.Request(source.path(), t, out, matrixText, sample, quality, quality.threads()),
                        (s, f) -> {
                            workingThreadProgress.progress(s, f);
                            ui.execute(() -> {
                                stage.set(s);
                                progress.set(f);
                            });
                        }, c);
                if (library != null) library.addMade(out);
                store.put(new QualityResults.Entry(out, source.path(), QualityResults.SAMPLE, r.file().outputBytes(), r.quality(), Instant.now()));
                ui.execute(() -> {
                    result.set(r);
                    progress.set(1);
                    state.set(State.DONE);
                    refresh.run();
                });
            } catch (CancellationException e) {
                ui.execute(() -> state.set(State.CANCELLED));
            } catch (SmallerVersion.NotEnoughSpaceException e) {
                ui.execute(() -> {
                    neededBytes.set(e.needed());
                    freeBytes.set(e.free());
                    error.set("");
                    state.set(State.FAILED);
                });
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(out); // made but not kept (the library or the results could not be written)
                } catch (IOException ignored) {
                    // nothing more to do
                }
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                ui.execute(() -> {
                    error.set(m);
                    state.set(State.FAILED);
                });
            }
        });
    }

    public void cancel() {
        Cancellation c = cancel;
        if (c != null) c.cancel();
    }

    /// The name the new file will have.
    public String outputName() {
        return SmallerVersion.outputFor(source.path(), type.get()).getFileName().toString();
    }
}
