package dev.karuku.app.ui;

import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.util.StringConverter;

/// The load settings both the Load screen and Settings show — context length, KV cache type, CPU threads, flash
/// attention — wired to a view model's properties the same way in both places. Flash attention is a three-way
/// choice (Auto lets llama.cpp decide per device); the quantized KV cache types are offered only while it is not
/// Off, since llama.cpp refuses a quantized V cache without it.
public final class LoadSettingFields {

    private LoadSettingFields() {}

    public static void bind(Messages messages, Spinner<Integer> context, IntegerProperty contextLength,
                            ComboBox<KvCacheType> kv, ObjectProperty<KvCacheType> kvCacheType, Spinner<Integer> threads,
                            IntegerProperty threadCount, ComboBox<FlashAttention> flash, ObjectProperty<FlashAttention> flashAttention) {
        var ctx = new SpinnerValueFactory.IntegerSpinnerValueFactory(256, 1 << 20, contextLength.get(), 1024);
        context.setValueFactory(ctx);
        ctx.valueProperty().addListener((o, a, v) -> { if (v != null) contextLength.set(v); });
        contextLength.addListener((o, a, v) -> { if (v.intValue() >= 256) ctx.setValue(v.intValue()); });
        flash.getItems().setAll(FlashAttention.AUTO, FlashAttention.ON, FlashAttention.OFF);
        flash.setConverter(names(messages, "load.flash."));
        flash.valueProperty().bindBidirectional(flashAttention);
        kv.setConverter(new StringConverter<>() {
            @Override public String toString(KvCacheType t) { return t == null ? "" : t.name().toLowerCase(Locale.ROOT); }
            @Override public KvCacheType fromString(String s) { return KvCacheType.parse(s); }
        });
        offerKvTypes(kv, flashAttention.get());
        kv.valueProperty().bindBidirectional(kvCacheType);
        flashAttention.addListener((o, a, f) -> {
            if (f == FlashAttention.OFF && kvCacheType.get() != null && kvCacheType.get().isQuantized()) kvCacheType.set(KvCacheType.F16);
            offerKvTypes(kv, f);
        });
        var n = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 256, threadCount.get());
        n.setConverter(threadsConverter(messages.get("load.threads.auto", CpuInfo.physicalCores())));
        threads.setValueFactory(n);
        n.valueProperty().addListener((o, a, v) -> { if (v != null) threadCount.set(v); });
    }

    /// F16 always; Q8_0 and Q4_0 only while flash attention is not Off.
    static List<KvCacheType> offered(FlashAttention f) {
        return f == FlashAttention.OFF ? List.of(KvCacheType.F16) : BestFit.OFFERED_KV;
    }

    private static void offerKvTypes(ComboBox<KvCacheType> kv, FlashAttention f) {
        List<KvCacheType> items = offered(f);
        if (kv.getItems().equals(items)) return;
        KvCacheType keep = kv.getValue();
        kv.getItems().setAll(items);
        kv.setValue(keep != null && items.contains(keep) ? keep : KvCacheType.F16);
    }

    private static <E extends Enum<E>> StringConverter<E> names(Messages messages, String prefix) {
        return new StringConverter<>() {
            @Override public String toString(E e) { return e == null ? "" : messages.get(prefix + e.name()); }
            @Override public E fromString(String s) { return null; }
        };
    }

    /// 0 means "one per physical core": shown as `auto` (with the number) rather than a bare 0.
    static StringConverter<Integer> threadsConverter(String auto) {
        return new StringConverter<>() {
            @Override
            public String toString(Integer n) {
                return n == null || n == 0 ? auto : n.toString();
            }

            @Override
            public Integer fromString(String text) {
                try {
                    return Math.max(0, Integer.parseInt(text.strip()));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        };
    }
}
