package dev.karuku.app.load;

import dev.karuku.app.ui.EstimateCaveat;
import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.LoadSettingFields;
import dev.karuku.app.ui.Messages;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;

/// Code-behind of `load.fxml`.
public final class LoadView {
    private final LoadViewModel vm;
    private final Messages messages;
    private final Runnable openChat;
    private final ScrollPane root;

    @FXML private Label fileLabel;
    @FXML private Slider layersSlider;
    @FXML private Label layersLabel;
    @FXML private Button autoButton;
    @FXML private ProgressBar ramBar;
    @FXML private Label ramLabel;
    @FXML private ProgressBar vramBar;
    @FXML private Label vramLabel;
    @FXML private Label verdictLabel;
    @FXML private Label speedLabel;
    @FXML private Label approximateLabel;
    @FXML private Label startLabel;
    @FXML private Spinner<Integer> contextSpinner;
    @FXML private ComboBox<dev.karuku.engine.settings.KvCacheType> kvBox;
    @FXML private Spinner<Integer> threadsSpinner;
    @FXML private ComboBox<dev.karuku.engine.settings.FlashAttention> flashBox;
    @FXML private Button loadButton;
    @FXML private ProgressBar progressBar;
    @FXML private Button cancelButton;
    @FXML private Button chatButton;
    @FXML private Button unloadButton;
    @FXML private Label stageLabel;
    @FXML private Label errorLabel;
    @FXML private Label adviceLabel;
    @FXML private ComboBox<DraftItem> draftBox;
    @FXML private Label draftHint;
    @FXML private atlantafx.base.controls.ToggleSwitch lookupSwitch;

    /// An entry of the draft choice: a library model, or none.
    private record DraftItem(java.nio.file.Path file) {}

    public LoadView(LoadViewModel vm, Messages messages, Runnable openChat) {
        this.vm = vm;
        this.messages = messages;
        this.openChat = openChat;
        this.root = Fxml.load("/dev/karuku/app/load/load.fxml", this, messages);
    }

    public ScrollPane root() {
        return root;
    }

    @FXML
    private void initialize() {
        fileLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.file().get() == null ? messages.get("load.noFile") : vm.file().get().getFileName().toString(), vm.file()));
        layersSlider.setMin(0);
        layersSlider.maxProperty().bind(vm.maxGpuLayers());
        // The view model may set more layers than the slider's maximum allows until the file's plan arrives: the
        // slider clamps, and that clamp must not travel back as the user's choice (it opened models at 0 layers).
        boolean[] fromViewModel = {false};
        layersSlider.valueProperty().addListener((o, a, v) -> {
            if (!fromViewModel[0]) vm.gpuLayers().set((int) Math.round(v.doubleValue()));
        });
        Runnable showLayers = () -> {
            fromViewModel[0] = true;
            layersSlider.setValue(vm.gpuLayers().get());
            fromViewModel[0] = false;
        };
        vm.gpuLayers().addListener(o -> showLayers.run());
        vm.maxGpuLayers().addListener(o -> showLayers.run());
        showLayers.run(); // a screen built again (a language or theme switch) starts on the chosen layers, not 0
        layersSlider.setBlockIncrement(1); // the arrow keys move one layer
        layersLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.gpuLayers().get() + " / " + vm.maxGpuLayers().get(), vm.gpuLayers(), vm.maxGpuLayers()));
        autoButton.setOnAction(e -> vm.auto());
        vramBar.getStyleClass().addAll("mem-bar", "vram");
        vm.plan().addListener((o, a, p) -> showPlan(p));
        vm.state().addListener((o, a, s) -> showPlan(vm.plan().get()));
        LoadSettingFields.bind(messages, contextSpinner, vm.contextLength(), kvBox, vm.kvCacheType(), threadsSpinner,
                vm.threads(), flashBox, vm.flashAttention());
        loadButton.setOnAction(e -> vm.load());
        loadButton.disableProperty().bind(vm.file().isNull().or(vm.state().isEqualTo(LoadState.LOADING)));
        progressBar.progressProperty().bind(vm.progress());
        progressBar.visibleProperty().bind(vm.state().isEqualTo(LoadState.LOADING));
        cancelButton.visibleProperty().bind(progressBar.visibleProperty());
        cancelButton.setOnAction(e -> vm.cancel());
        chatButton.visibleProperty().bind(vm.state().isEqualTo(LoadState.LOADED));
        chatButton.setOnAction(e -> openChat.run());
        unloadButton.visibleProperty().bind(vm.state().isEqualTo(LoadState.LOADED));
        unloadButton.managedProperty().bind(unloadButton.visibleProperty());
        unloadButton.setOnAction(e -> vm.unload());
        unloadButton.setId("load-unload");
        // the model's own process starts first (a JVM and llama.cpp's backends), then llama.cpp reads the file
        stageLabel.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.stage().get()) {
            case STARTING_WORKER -> messages.get("load.stage.worker");
            case READING -> messages.get("load.stage.reading");
            case NONE -> "";
        }, vm.stage()));
        stageLabel.visibleProperty().bind(progressBar.visibleProperty());
        stageLabel.setId("load-stage");
        errorLabel.setId("load-error");
        errorLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.error().get().isEmpty() ? ""
                : messages.get(vm.errorKey().get().isEmpty() ? "load.failed" : vm.errorKey().get(), vm.error().get()),
                vm.error(), vm.errorKey()));
        startLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.bestFitShown().get() ? messages.get("load.start.bestFit")
                : vm.remembered().get() ? messages.get("load.start.remembered") : "", vm.bestFitShown(), vm.remembered()));
        startLabel.visibleProperty().bind(startLabel.textProperty().isNotEmpty());
        startLabel.managedProperty().bind(startLabel.visibleProperty());
        adviceLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.state().get() == LoadState.FAILED
                ? messages.get("load.advice") : "", vm.state()));
        layersSlider.setId("load-layers");
        loadButton.setId("load-load");
        chatButton.setId("load-chat");
        autoButton.setId("load-auto");
        startLabel.setId("load-start");
        approximateLabel.setId("load-approximate");
        bindDrafts();
        showPlan(vm.plan().get());
    }

    /// "Speed up with a draft model": None, then the library's models that can draft for this one (with their size);
    /// a hint says what a draft does, or that the library has none and what to get. "Prompt lookup" beside it.
    private void bindDrafts() {
        draftBox.setConverter(new javafx.util.StringConverter<>() {
            @Override public String toString(DraftItem d) {
                if (d == null || d.file() == null) return messages.get("load.draft.none");
                long size;
                try {
                    size = java.nio.file.Files.size(d.file());
                } catch (java.io.IOException e) {
                    return d.file().getFileName().toString();
                }
                return messages.get("load.draft.item", d.file().getFileName().toString(), Formats.bytes(size));
            }
            @Override public DraftItem fromString(String s) { return null; }
        });
        boolean[] fromViewModel = {false};
        Runnable showDrafts = () -> {
            fromViewModel[0] = true;
            java.util.List<DraftItem> items = new java.util.ArrayList<>();
            items.add(new DraftItem(null));
            vm.drafts().forEach(p -> items.add(new DraftItem(p)));
            draftBox.getItems().setAll(items);
            draftBox.setValue(new DraftItem(vm.draft().get()));
            fromViewModel[0] = false;
        };
        vm.drafts().addListener((javafx.collections.ListChangeListener<java.nio.file.Path>) c -> showDrafts.run());
        vm.draft().addListener(o -> showDrafts.run());
        draftBox.valueProperty().addListener((o, a, d) -> {
            if (!fromViewModel[0] && d != null) vm.draft().set(d.file());
        });
        showDrafts.run();
        draftBox.disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(vm.drafts()));
        draftHint.textProperty().bind(Bindings.createStringBinding(() -> vm.file().get() == null ? ""
                : !vm.draftsFound().get() ? messages.get("load.draft.searching")
                : vm.drafts().isEmpty() ? messages.get("load.draft.noneFound") : messages.get("load.draft.hint"),
                vm.file(), vm.draftsFound(), vm.drafts()));
        lookupSwitch.selectedProperty().bindBidirectional(vm.lookup());
    }

    private void showPlan(MemoryPlanner.Plan p) {
        verdictLabel.setVisible(p != null);
        speedLabel.setVisible(p != null);
        String caveat = p == null ? "" : EstimateCaveat.text(messages, p.approximate(), p.unmeasuredGpu());
        approximateLabel.setText(caveat);
        approximateLabel.setVisible(!caveat.isEmpty());
        approximateLabel.setManaged(!caveat.isEmpty());
        if (p == null) return;
        layersSlider.setMajorTickUnit(Math.max(1, (p.layers() + 1) / 8));
        ramBar.setProgress(p.ramHave() == 0 ? 0 : Math.min(1, p.ramNeeded() / (double) p.ramHave()));
        ramLabel.setText(messages.get("load.mem.of", Formats.bytes(p.ramNeeded()), Formats.bytes(p.ramHave())));
        vramBar.setProgress(p.vramHave() == 0 ? 0 : Math.min(1, p.vramNeeded() / (double) p.vramHave()));
        vramLabel.setText(messages.get("load.mem.of", Formats.bytes(p.vramNeeded()), Formats.bytes(p.vramHave())));
        // no GPU: there are no layers to move and no "0 B of 0 B" to read
        boolean noGpu = p.vramHave() == 0;
        layersSlider.setDisable(noGpu);
        vramBar.setVisible(!noGpu);
        LoadedModel m = vm.loaded().get();
        if (vm.state().get() == LoadState.LOADED && m != null && m.buffers() != null) {
            // loaded: one figure, what llama.cpp allocated, instead of the estimate beside a different status bar
            ramBar.setProgress(p.ramHave() == 0 ? 0 : Math.min(1, m.ramBytes() / (double) p.ramHave()));
            ramLabel.setText(messages.get("load.mem.measured", Formats.bytes(m.ramBytes()), Formats.bytes(p.ramHave())));
            vramBar.setProgress(p.vramHave() == 0 ? 0 : Math.min(1, m.vramBytes() / (double) p.vramHave()));
            vramLabel.setText(messages.get("load.mem.measured", Formats.bytes(m.vramBytes()), Formats.bytes(p.vramHave())));
        }
        if (noGpu) vramLabel.setText(messages.get("load.mem.noGpu"));
        ramLabel.setId("load-ram");
        vramLabel.setId("load-vram");
        verdictLabel.setText(messages.get("load.verdict." + p.verdict()));
        verdictLabel.getStyleClass().removeAll("verdict-gpu", "verdict-partial", "verdict-cpu", "verdict-none");
        verdictLabel.getStyleClass().add(switch (p.verdict()) {
            case "FITS_ON_GPU" -> "verdict-gpu";
            case "PARTLY_ON_GPU" -> "verdict-partial";
            case "CPU_ONLY" -> "verdict-cpu";
            default -> "verdict-none";
        });
        verdictLabel.setId("load-verdict");
        speedLabel.setText(Formats.speedText(messages, p.tokensPerSecond()));
    }
}
