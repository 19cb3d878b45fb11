package dev.karuku.app.ui;

import dev.karuku.engine.hardware.CpuInfo;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.util.StringConverter;

/// The load settings both the Load screen and Settings show — context length, KV cache type, CPU threads, flash
/// attention — wired to a view model's properties the same way in both places.
public final class LoadSettingFields {

    private LoadSettingFields() {}

    public static void bind(Messages messages, Spinner<Integer> context, IntegerProperty contextLength,
                            ComboBox<String> kv, StringProperty kvCacheType, Spinner<Integer> threads,
                            IntegerProperty threadCount, CheckBox flash, BooleanProperty flashAttention) {
        var ctx = new SpinnerValueFactory.IntegerSpinnerValueFactory(256, 1 << 20, contextLength.get(), 1024);
        context.setValueFactory(ctx);
        ctx.valueProperty().addListener((o, a, v) -> { if (v != null) contextLength.set(v); });
        kv.getItems().setAll("f16", "q8_0", "q4_0");
        kv.valueProperty().bindBidirectional(kvCacheType);
        var n = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 256, threadCount.get());
        n.setConverter(threadsConverter(messages.get("load.threads.auto", CpuInfo.physicalCores())));
        threads.setValueFactory(n);
        n.valueProperty().addListener((o, a, v) -> { if (v != null) threadCount.set(v); });
        flash.selectedProperty().bindBidirectional(flashAttention);
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
