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
    private final Runnable reload;
    private final Runnable unload;

    public ShellViewModel(ModelSession session, Messages messages, Page start) {
        this(session, messages, start, () -> {}, session::unload);
    }

    /// @param reload loads the model that stopped again, with the options it had
    /// @param unload unloads the loaded model
    public ShellViewModel(ModelSession session, Messages messages, Page start, Runnable reload, Runnable unload) {
        this.session = session;
        this.messages = messages;
        this.page = new SimpleObjectProperty<>(start);
        this.reload = reload;
        this.unload = unload;
    }

    // Commands

    public void reload() { reload.run(); }

    public void unload() { unload.run(); }

    /// "" while no model stopped; else which one stopped and llama.cpp's reason, for the status bar.
    public StringBinding stoppedText() {
        return Bindings.createStringBinding(() -> session.stopped().get() == null ? ""
                : messages.get("status.stopped", session.stopped().get().model(), session.stopped().get().reason()), session.stopped());
    }

    /// True while a model is loaded (Unload shows).
    public javafx.beans.binding.BooleanBinding loaded() {
        return session.loaded().isNotNull();
    }

    public ObjectProperty<Page> page() { return page; }

    public StringBinding modelText() {
        return Bindings.createStringBinding(() -> session.loaded().get() != null ? withSpeculation(session.loaded().get())
                : session.stopped().get() != null ? messages.get("status.stoppedModel", session.stopped().get().model())
                : messages.get("status.noModel"), session.loaded(), session.stopped());
    }

    /// The model's name, and the draft model or prompt lookup that speeds it up.
    private String withSpeculation(LoadedModel m) {
        var spec = m.speculative();
        String draft = spec.draft() == null ? null : spec.draft().getFileName().toString();
        if (draft != null && spec.lookup()) return messages.get("status.model.draftLookup", m.name(), draft);
        if (draft != null) return messages.get("status.model.draft", m.name(), draft);
        if (spec.lookup()) return messages.get("status.model.lookup", m.name());
        return m.name();
    }

    public StringBinding ramText() {
        return text(m -> m == null ? "" : messages.get("status.ram", Formats.bytes(m.ramBytes())));
    }

    public StringBinding vramText() {
        return text(m -> m == null ? "" : messages.get("status.vram", Formats.bytes(m.vramBytes())));
    }

    /// What the VRAM figure counts: llama.cpp's own GPU buffers, measured while the model loaded, by kind.
    public StringBinding vramDetail() {
        return text(m -> m == null ? "" : m.buffers() == null ? messages.get("status.vram.detail.unmeasured")
                : messages.get("status.vram.detail", Formats.bytes(m.buffers().modelGpu()), Formats.bytes(m.buffers().kv().gpu()),
                        Formats.bytes(m.buffers().compute().gpu())));
    }

    /// What the RAM figure counts, as [#vramDetail] for main memory.
    public StringBinding ramDetail() {
        return text(m -> m == null ? "" : m.buffers() == null ? messages.get("status.ram.detail.unmeasured")
                : messages.get("status.ram.detail", Formats.bytes(m.buffers().weights().cpu()), Formats.bytes(m.buffers().kv().cpu()),
                        Formats.bytes(m.buffers().compute().cpu() + m.buffers().output())));
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
