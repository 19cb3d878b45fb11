package dev.karuku.app.shell;

import dev.karuku.app.load.LoadedModel;
import dev.karuku.app.load.ModelSession;
import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Messages;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/// The window around the screens: which page shows, and the status bar's texts (loaded model, RAM and VRAM it
/// uses, backend, GPU layers).
public final class ShellViewModel {
    private final ObjectProperty<Page> page;
    private final ModelSession session;
    private final Messages messages;

    public ShellViewModel(ModelSession session, Messages messages, Page start) {
        this.session = session;
        this.messages = messages;
        this.page = new SimpleObjectProperty<>(start);
    }

    public ObjectProperty<Page> page() { return page; }

    public StringBinding modelText() {
        return text(m -> m == null ? messages.get("status.noModel") : m.name());
    }

    public StringBinding ramText() {
        return text(m -> m == null ? "" : messages.get("status.ram", Formats.bytes(m.ramBytes())));
    }

    public StringBinding vramText() {
        return text(m -> m == null ? "" : messages.get("status.vram", Formats.bytes(m.vramBytes())));
    }

    public StringBinding backendText() {
        return text(m -> m == null ? "" : m.backend());
    }

    public StringBinding layersText() {
        return text(m -> m == null ? "" : messages.get("status.layers", m.gpuLayers(), m.totalLayers()));
    }

    private StringBinding text(java.util.function.Function<LoadedModel, String> f) {
        return Bindings.createStringBinding(() -> f.apply(session.loaded().get()), session.loaded());
    }
}
