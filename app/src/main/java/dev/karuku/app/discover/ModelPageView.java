package dev.karuku.app.discover;

import dev.karuku.app.chat.MarkdownView;
import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.LazyTooltip;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.estimate.QuantStop;
import dev.karuku.engine.estimate.Verdict;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hub.Access;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// Code-behind of `model.fxml`: the model card and the quantization slider with, for the chosen stop, RAM and
/// VRAM needed against this PC's, the verdict and the speed estimate; Download, or for a gated repo the Hub's
/// message and a link to Settings for the token.
public final class ModelPageView {
    private final ModelPageViewModel vm;
    private final Messages messages;
    private final Runnable back;
    private final Runnable openSettings;
    private final Runnable downloaded;
    private final Consumer<String> openLink;
    private final ScrollPane root;

    @FXML private Button backButton;
    @FXML private Label titleLabel;
    @FXML private Label gatedBadge;
    @FXML private ProgressIndicator busy;
    @FXML private Label errorLabel;
    @FXML private VBox quantCard;
    @FXML private Slider quantSlider;
    @FXML private HBox stopLabels;
    @FXML private Label stopTitle;
    @FXML private Label qualityLabel;
    private final Label measuredLabel = new Label();
    @FXML private Label verdictLabel;
    @FXML private Label speedLabel;
    @FXML private Label caveatLabel;
    @FXML private ProgressIndicator stopBusy;
    @FXML private ProgressBar ramBar;
    @FXML private Label ramLabel;
    @FXML private ProgressBar vramBar;
    @FXML private Label vramLabel;
    @FXML private Button downloadButton;
    @FXML private Label downloadError;
    @FXML private VBox gatedBox;
    @FXML private Label gatedLabel;
    @FXML private Hyperlink settingsLink;
    @FXML private VBox readmeCard;
    @FXML private VBox readmeBox;

    public ModelPageView(ModelPageViewModel vm, Messages messages, Runnable back, Runnable openSettings, Runnable downloaded,
                         Consumer<String> openLink) {
        this.vm = vm;
        this.messages = messages;
        this.back = back;
        this.openSettings = openSettings;
        this.downloaded = downloaded;
        this.openLink = openLink;
        this.root = Fxml.load("/dev/karuku/app/discover/model.fxml", this, messages);
        root.setId("model-page");
        root.setUserData(vm); // lets tests and tools reach the page's state
    }

    public ScrollPane root() {
        return root;
    }

    @FXML
    private void initialize() {
        titleLabel.setText(vm.repo());
        backButton.setId("model-back");
        backButton.setOnAction(e -> back.run());
        busy.visibleProperty().bind(vm.state().isEqualTo(ModelPageState.LOADING));
        gatedBadge.setVisible(false);
        errorLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.errorKey().get().isEmpty() ? "" : vm.errorDetail().get().isEmpty() ? messages.get(vm.errorKey().get())
                        : messages.get(vm.errorKey().get(), vm.errorDetail().get()),
                vm.errorKey(), vm.errorDetail()));
        errorLabel.managedProperty().bind(vm.errorKey().isNotEmpty());
        quantCard.visibleProperty().bind(vm.state().isEqualTo(ModelPageState.READY));
        quantCard.managedProperty().bind(quantCard.visibleProperty());
        quantSlider.setId("model-slider");
        // the figures measured on this PC, under the typical ones (only where this quant was measured)
        measuredLabel.setId("model-quality-measured");
        measuredLabel.getStyleClass().add("hint");
        measuredLabel.setWrapText(true);
        measuredLabel.managedProperty().bind(measuredLabel.visibleProperty());
        measuredLabel.setVisible(false);
        if (qualityLabel.getParent() instanceof javafx.scene.layout.Pane p) p.getChildren().add(p.getChildren().indexOf(qualityLabel) + 1, measuredLabel);
        quantSlider.setMin(0);
        quantSlider.valueProperty().addListener((o, a, v) -> {
            int i = (int) Math.round(v.doubleValue());
            if (i != vm.selected().get() && i < vm.stops().size()) vm.selected().set(i);
        });
        vm.selected().addListener((o, a, i) -> {
            if (i.intValue() >= 0) quantSlider.setValue(i.intValue());
            show();
        });
        vm.stops().addListener((javafx.collections.ListChangeListener<StopItem>) c -> rebuildStops());
        verdictLabel.setId("model-verdict");
        vramBar.getStyleClass().addAll("mem-bar", "vram");
        downloadButton.setId("model-download");
        downloadButton.setMnemonicParsing(false); // quant labels contain underscores
        downloadButton.setOnAction(e -> {
            if (vm.download()) downloaded.run();
        });
        downloadError.textProperty().bind(Bindings.createStringBinding(
                () -> vm.downloadErrorKey().get().isEmpty() ? "" : messages.get(vm.downloadErrorKey().get()), vm.downloadErrorKey()));
        settingsLink.setOnAction(e -> openSettings.run());
        vm.access().addListener((o, a, b) -> showAccess());
        vm.readme().addListener((o, a, md) -> showReadme(md));
        readmeCard.setVisible(false);
        readmeCard.managedProperty().bind(readmeCard.visibleProperty());
        showAccess();
        rebuildStops();
        showReadme(vm.readme().get());
        if (vm.state().get() == ModelPageState.LOADING) vm.open();
    }

    private void showAccess() {
        Access a = vm.access().get();
        boolean granted = a == Access.GRANTED;
        gatedBox.setVisible(!granted);
        gatedBox.setManaged(!granted);
        gatedBadge.setVisible(!granted);
        downloadButton.setDisable(!granted || vm.selectedStop() == null || vm.selectedStop().have().get() != ModelDownloads.Have.NONE);
        if (!granted) gatedLabel.setText(messages.get(a == Access.GATED_NEEDS_TOKEN ? "hub.error.gatedNeedsToken" : "hub.error.gatedNotApproved"));
    }

    private void showReadme(String md) {
        readmeCard.setVisible(!md.isBlank());
        readmeBox.getChildren().setAll(new MarkdownView(messages.get("chat.copy"), openLink).render(md));
    }

    private void rebuildStops() {
        int n = vm.stops().size();
        quantSlider.setMax(Math.max(0, n - 1));
        quantSlider.setDisable(n < 2);
        // one size has nothing to slide between; and the slider's inset grows with the row, so a single column's
        // half-row inset would push the card (and the row) wider on every layout
        quantSlider.setVisible(n > 1);
        quantSlider.setManaged(n > 1);
        quantSlider.setMinWidth(0);
        stopLabels.getChildren().clear();
        for (int i = 0; i < n; i++) {
            StopItem s = vm.stops().get(i);
            VBox box = stopBox(s, i);
            HBox.setHgrow(box, Priority.ALWAYS);
            box.setMaxWidth(Double.MAX_VALUE);
            box.prefWidthProperty().bind(stopLabels.widthProperty().divide(n));
            stopLabels.getChildren().add(box);
            s.estimate().addListener((o, a, b) -> { refreshStop(box, s); if (s == vm.selectedStop()) show(); });
            s.errorKey().addListener((o, a, b) -> { refreshStop(box, s); if (s == vm.selectedStop()) show(); });
            s.have().addListener((o, a, b) -> { if (s == vm.selectedStop()) show(); });
        }
        // ticks sit at the centres of equal columns when the slider is inset by half a column
        quantSlider.paddingProperty().bind(Bindings.createObjectBinding(() -> {
            double half = n < 2 ? 0 : stopLabels.getWidth() / n / 2 - 6;
            return new javafx.geometry.Insets(0, Math.max(0, half), 0, Math.max(0, half));
        }, stopLabels.widthProperty()));
        if (vm.selected().get() >= 0) quantSlider.setValue(vm.selected().get());
        show();
    }

    private VBox stopBox(StopItem s, int index) {
        Label label = new Label(s.label());
        label.getStyleClass().add("quant-stop-label");
        if (s.pinned()) label.setGraphic(new FontIcon(Feather.STAR));
        Label size = new Label(Formats.bytes(s.sizeBytes()));
        VBox box = new VBox(label, size);
        box.getStyleClass().add("quant-stop");
        if (s.pinned()) box.getStyleClass().add("pinned");
        box.setId("model-stop-" + s.label());
        box.setOnMouseClicked(e -> vm.selected().set(index));
        refreshStop(box, s);
        return box;
    }

    private void refreshStop(VBox box, StopItem s) {
        if (box.getChildren().size() > 2) box.getChildren().remove(2);
        QuantStop q = s.estimate().get();
        if (q != null) {
            Region dot = new Region();
            dot.getStyleClass().addAll("verdict-dot", verdictStyle(q.verdict()));
            Label v = new Label(messages.get("verdict." + q.verdict().name()), dot);
            v.getStyleClass().add("quant-stop-verdict");
            v.setWrapText(true);
            v.setAlignment(Pos.CENTER);
            box.getChildren().add(v);
        } else if (s.errorKey().get().isEmpty()) {
            ProgressIndicator spin = new ProgressIndicator();
            spin.setPrefSize(16, 16);
            spin.getStyleClass().add("quant-stop-spinner");
            box.getChildren().add(spin);
        } else {
            Label error = new Label(messages.get("model.stop.noEstimate"), new FontIcon(Feather.ALERT_TRIANGLE));
            error.getStyleClass().add("quant-stop-error");
            LazyTooltip.install(error, messages.get(s.errorKey().get()));
            box.getChildren().add(error);
        }
    }

    private void show() {
        StopItem s = vm.selectedStop();
        for (var n : stopLabels.getChildren()) n.getStyleClass().remove("selected");
        int i = vm.selected().get();
        if (i >= 0 && i < stopLabels.getChildren().size()) stopLabels.getChildren().get(i).getStyleClass().add("selected");
        downloadButton.setDisable(s == null || vm.access().get() != Access.GRANTED);
        if (s == null) {
            stopBusy.setVisible(false);
            caveatLabel.setVisible(false);
            caveatLabel.setManaged(false);
            stopTitle.setText("");
            qualityLabel.setText("");
            measuredLabel.setVisible(false);
            downloadButton.setText(messages.get("model.download.none"));
            return;
        }
        stopTitle.setText(s.label() + " · " + Formats.bytes(s.sizeBytes()));
        ModelDownloads.Have have = s.have().get();
        downloadButton.setText(have == ModelDownloads.Have.DOWNLOADED ? messages.get("model.downloaded", s.label())
                : have == ModelDownloads.Have.DOWNLOADING ? messages.get("model.downloading", s.label())
                : messages.get("model.download", s.label(), Formats.bytes(s.sizeBytes())));
        if (have != ModelDownloads.Have.NONE) downloadButton.setDisable(true);
        QuantStop q = s.estimate().get();
        showQuality(s.label(), q);
        showMeasured(s.measured().get());
        String caveat = q == null ? "" : dev.karuku.app.ui.EstimateCaveat.text(messages,
                q.estimate().approximate() ? q.estimate().reasons() : java.util.List.of(),
                dev.karuku.app.ui.EstimateCaveat.unmeasuredGpu(vm.machine().get()));
        caveatLabel.setText(caveat);
        caveatLabel.setVisible(!caveat.isEmpty());
        caveatLabel.setManaged(!caveat.isEmpty());
        stopBusy.setVisible(q == null && s.errorKey().get().isEmpty());
        verdictLabel.getStyleClass().removeIf(c -> c.startsWith("verdict-"));
        if (q == null) {
            verdictLabel.setText(s.errorKey().get().isEmpty() ? messages.get("model.stop.estimating") : messages.get(s.errorKey().get()));
            speedLabel.setText("");
            ramBar.setProgress(0);
            vramBar.setProgress(0);
            ramLabel.setText("");
            vramLabel.setText("");
            return;
        }
        verdictLabel.setText(messages.get("verdict." + q.verdict().name()));
        verdictLabel.getStyleClass().add(verdictStyle(q.verdict()));
        speedLabel.setText(Formats.speedText(messages, q.tokensPerSecond()));
        Hardware hw = vm.machine().get();
        long ramHave = hw == null ? 0 : hw.totalRamBytes();
        long vramHave = hw == null ? 0 : hw.primaryGpu().map(g -> g.totalBytes()).orElse(0L);
        bar(ramBar, ramLabel, q.estimate().ramBytes(), ramHave);
        bar(vramBar, vramLabel, q.estimate().vramBytes(), vramHave);
    }

    /// The stop's bits per weight (exact, from its header) and the typical quality cost llama.cpp publishes for its
    /// type, labelled as typical, with the source in the tooltip.
    private void showQuality(String label, QuantStop q) {
        java.util.Locale locale = messages.locale();
        String typical = dev.karuku.engine.quality.TypicalQuality.of(label)
                .map(f -> f.perplexityIncrease() > 0
                        ? messages.get("model.quality.typical", label, String.format(locale, "%.2f", f.perplexityIncrease()), f.referenceModel())
                        : messages.get("model.quality.typicalBetter", label, String.format(locale, "%+.3f", f.perplexityIncrease()), f.referenceModel()))
                .orElse(messages.get("model.quality.none", label));
        String bpw = q == null || q.bitsPerWeight() <= 0 ? "" : messages.get("model.stop.bpw", String.format(locale, "%.2f", q.bitsPerWeight())) + " · ";
        qualityLabel.setText(bpw + typical);
        LazyTooltip.install(qualityLabel, messages.get("model.quality.source", dev.karuku.engine.quality.TypicalQuality.SOURCE));
    }

    /// The figures Compare quality measured on this PC for this quant, labelled with the text they were measured on.
    private void showMeasured(dev.karuku.engine.quality.QualityResults.Entry e) {
        measuredLabel.setVisible(e != null);
        if (e == null) {
            measuredLabel.setText("");
            return;
        }
        Locale locale = messages.locale();
        var r = e.report();
        double kld = r.kld().mean();
        String kldText = kld > 0 && kld < 0.0001 ? String.format(locale, "%.1e", kld) : String.format(locale, "%.4f", kld);
        String key = dev.karuku.engine.quality.QualityResults.SAMPLE.equals(e.textId()) ? "model.quality.measuredSample" : "model.quality.measured";
        measuredLabel.setText(messages.get(key, kldText, String.format(locale, "%+.2f", r.perplexityIncreasePercent()),
                String.format(locale, "%.1f", r.top1Agreement() * 100), e.reference().getFileName().toString(), r.tokens()));
        LazyTooltip.install(measuredLabel, messages.get("model.quality.measured.tooltip"));
    }

    private void bar(ProgressBar bar, Label label, long need, long have) {
        bar.setProgress(have <= 0 ? (need > 0 ? 1 : 0) : Math.min(1, (double) need / have));
        bar.getStyleClass().remove("over");
        if (need > have && need > 0) bar.getStyleClass().add("over");
        label.setText(have <= 0 ? messages.get("model.mem.none", Formats.bytes(need)) : messages.get("load.mem.of", Formats.bytes(need), Formats.bytes(have)));
    }

    static String verdictStyle(Verdict v) {
        return switch (v) {
            case FITS_ON_GPU -> "verdict-gpu";
            case PARTLY_ON_GPU -> "verdict-partial";
            case CPU_ONLY -> "verdict-cpu";
            case DOES_NOT_FIT -> "verdict-none";
        };
    }
}
