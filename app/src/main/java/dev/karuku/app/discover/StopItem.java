package dev.karuku.app.discover;

import dev.karuku.engine.estimate.QuantStop;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.quality.QualityResults;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/// One stop of the model page's quantization slider: known from the file list at once, its estimate filled in
/// when the quant's header has been read from the Hub (a spinner until then).
public final class StopItem {
    private final QuantChoice choice;
    private final boolean pinned;
    private final ReadOnlyObjectWrapper<QuantStop> estimate = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper errorKey = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ModelDownloads.Have> have = new ReadOnlyObjectWrapper<>(ModelDownloads.Have.NONE);
    private final ReadOnlyObjectWrapper<QualityResults.Entry> measured = new ReadOnlyObjectWrapper<>();

    StopItem(QuantChoice choice) {
        this.choice = choice;
        this.pinned = dev.karuku.engine.estimate.QuantChoices.PINNED.contains(choice.label().toUpperCase(Locale.ROOT));
    }

    public QuantChoice choice() { return choice; }
    public String label() { return choice.label(); }
    public long sizeBytes() { return choice.totalBytes(); }
    /// Q4_K_M, Q5_K_S and IQ3_S: marked on the slider.
    public boolean pinned() { return pinned; }
    /// The verdict, memory and speed here; null while the header is being fetched.
    public ReadOnlyObjectProperty<QuantStop> estimate() { return estimate.getReadOnlyProperty(); }
    /// Why there is no estimate ("" while loading or done).
    public ReadOnlyStringProperty errorKey() { return errorKey.getReadOnlyProperty(); }
    /// Whether this quant is in My Models or being downloaded already.
    public ReadOnlyObjectProperty<ModelDownloads.Have> have() { return have.getReadOnlyProperty(); }
    /// The quality of this quant as measured on this PC (My Models' Compare quality), null when not measured.
    public ReadOnlyObjectProperty<QualityResults.Entry> measured() { return measured.getReadOnlyProperty(); }
    public boolean ready() { return estimate.get() != null || !errorKey.get().isEmpty(); }

    void set(QuantStop stop) { estimate.set(stop); }
    void fail(String key) { errorKey.set(key); }
    void have(ModelDownloads.Have h) { have.set(h); }
    void measured(QualityResults.Entry e) { measured.set(e); }
}
