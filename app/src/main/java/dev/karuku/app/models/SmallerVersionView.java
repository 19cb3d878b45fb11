package dev.karuku.app.models;

import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.LazyTooltip;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.quality.QualityReport;
import dev.karuku.engine.quality.SmallerVersion;
import dev.karuku.engine.quality.TypicalQuality;
import java.io.File;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

/// The "Make a smaller version" window: type, predicted size and free space, the importance-matrix option with
/// its text, Make and Cancel with progress by step, and the result measured against the source.
public final class SmallerVersionView {
    private final SmallerVersionViewModel vm;
    private final Messages messages;
    private final Stage stage = new Stage();

    public SmallerVersionView(SmallerVersionViewModel vm, Messages messages, Window owner) {
        this.vm = vm;
        this.messages = messages;
        stage.initOwner(owner);
        stage.initModality(Modality.NONE);
        stage.setTitle(messages.get("shrink.title", vm.source().name()));
        VBox root = build();
        root.setId("shrink-dialog");
        root.setUserData(vm); // lets tests and tools reach the state
        Scene scene = new Scene(root, 760, 460);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
            if (owner.getScene().getRoot().getStyleClass().contains("dark")) root.getStyleClass().add("dark");
        }
        stage.setScene(scene);
        stage.setOnHidden(e -> vm.cancel()); // closing the window stops the work: nothing half-made is kept
    }

    public void show() {
        stage.show();
    }

    public Stage stage() {
        return stage;
    }

    private VBox build() {
        Label intro = new Label(messages.get("shrink.intro"));
        intro.setWrapText(true);
        intro.getStyleClass().add("hint");

        ComboBox<FileType> type = new ComboBox<>();
        type.setId("shrink-type");
        type.getItems().setAll(vm.types());
        type.valueProperty().bindBidirectional(vm.type());
        StringConverter<FileType> names = new StringConverter<>() {
            @Override public String toString(FileType t) { return t == null ? "" : typeText(t); }
            @Override public FileType fromString(String s) { return null; }
        };
        type.setConverter(names);
        type.setButtonCell(new ListCell<>() {
            @Override protected void updateItem(FileType t, boolean empty) { super.updateItem(t, empty); setText(empty ? "" : names.toString(t)); }
        });
        type.disableProperty().bind(vm.state().isEqualTo(SmallerVersionViewModel.State.RUNNING));

        Label size = new Label();
        size.setId("shrink-size");
        size.setWrapText(true);
        size.textProperty().bind(Bindings.createStringBinding(this::sizeText, vm.predictedBytes(), vm.neededBytes(), vm.freeBytes(),
                vm.needsImatrix(), vm.useImatrix(), vm.error(), vm.state()));

        CheckBox matrix = new CheckBox(messages.get("shrink.imatrix"));
        matrix.setId("shrink-imatrix");
        matrix.selectedProperty().bindBidirectional(vm.useImatrix());
        matrix.disableProperty().bind(vm.state().isEqualTo(SmallerVersionViewModel.State.RUNNING));
        LazyTooltip.install(matrix, messages.get("shrink.imatrix.tooltip"));
        Label text = new Label();
        text.setId("shrink-text");
        text.setMinWidth(0);
        text.textProperty().bind(Bindings.createStringBinding(() -> vm.imatrixText().get() == null
                ? messages.get("quality.text.sample") : vm.imatrixText().get().getFileName().toString(), vm.imatrixText()));
        Button chooseText = new Button(messages.get("quality.text.choose"));
        chooseText.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(messages.get("quality.text.filter"), "*.txt", "*.md"));
            File f = chooser.showOpenDialog(stage);
            if (f != null) vm.imatrixText().set(f.toPath());
        });
        Button sample = new Button(messages.get("quality.text.useSample"));
        sample.setOnAction(e -> vm.imatrixText().set(null));
        HBox textRow = new HBox(8, text, chooseText, sample);
        textRow.setAlignment(Pos.CENTER_LEFT);
        textRow.disableProperty().bind(vm.useImatrix().not().or(vm.state().isEqualTo(SmallerVersionViewModel.State.RUNNING)));

        Label typeLabel = new Label(messages.get("shrink.type"));
        Label textLabel = new Label(messages.get("quality.text"));
        GridPane form = new GridPane();
        form.setHgap(12);
        form.setVgap(8);
        form.addRow(0, typeLabel, type);
        form.add(size, 1, 1);
        form.add(matrix, 1, 2);
        form.addRow(3, textLabel, textRow);

        Button start = new Button(messages.get("shrink.start"));
        start.setId("shrink-start");
        start.getStyleClass().add("accent");
        start.disableProperty().bind(Bindings.createBooleanBinding(() -> !vm.canStart(), vm.state(), vm.predictedBytes(),
                vm.neededBytes(), vm.freeBytes(), vm.needsImatrix(), vm.useImatrix()));
        start.setOnAction(e -> vm.start());
        Button cancel = new Button(messages.get("shrink.cancel"));
        cancel.setId("shrink-cancel");
        cancel.disableProperty().bind(vm.state().isNotEqualTo(SmallerVersionViewModel.State.RUNNING));
        cancel.setOnAction(e -> vm.cancel());
        ProgressBar bar = new ProgressBar();
        bar.setId("shrink-progress");
        bar.progressProperty().bind(vm.progress());
        bar.setPrefWidth(200);
        Label status = new Label();
        status.setId("shrink-status");
        status.setWrapText(true);
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.textProperty().bind(Bindings.createStringBinding(this::statusText, vm.state(), vm.stage(), vm.error(), vm.result()));
        HBox actions = new HBox(10, start, cancel, bar, status);
        actions.setAlignment(Pos.CENTER_LEFT);
        for (var c : List.of(typeLabel, textLabel, chooseText, sample, start, cancel)) c.setMinWidth(Region.USE_PREF_SIZE);

        VBox root = new VBox(12, intro, form, actions);
        root.setPadding(new Insets(16));
        root.getStyleClass().add("smaller-version");
        return root;
    }

    /// `Q4_K_M · typical perplexity +0.18 (Llama-3-8B)`, or the label alone where llama.cpp publishes no figure.
    private String typeText(FileType t) {
        return TypicalQuality.of(t.label()).filter(f -> f.perplexityIncrease() > 0)
                .map(f -> messages.get("shrink.type.typical", t.label(), String.format(messages.locale(), "%.2f", f.perplexityIncrease()), f.referenceModel()))
                .orElse(t.label());
    }

    private String sizeText() {
        long predicted = vm.predictedBytes().get();
        if (predicted < 0) return vm.error().get().isEmpty() || vm.state().get() != SmallerVersionViewModel.State.IDLE
                ? messages.get("shrink.size.planning") : messages.get("shrink.failed", vm.error().get());
        String name = vm.outputName();
        String text = vm.neededBytes().get() > vm.freeBytes().get()
                ? messages.get("shrink.size.noSpace", name, Formats.bytes(predicted), Formats.bytes(vm.freeBytes().get()), Formats.bytes(vm.neededBytes().get()))
                : messages.get("shrink.size", name, Formats.bytes(predicted), Formats.bytes(vm.freeBytes().get()));
        if (vm.needsImatrix().get() && !vm.useImatrix().get()) text += " " + messages.get("shrink.needsImatrix", vm.type().get().label());
        return text;
    }

    private String statusText() {
        return switch (vm.state().get()) {
            case IDLE -> "";
            case RUNNING -> vm.stage().get() == null ? messages.get("shrink.stage.PLANNING") : messages.get("shrink.stage." + vm.stage().get().name());
            case CANCELLED -> messages.get("shrink.cancelled");
            case FAILED -> vm.error().get().isEmpty()
                    ? messages.get("shrink.noSpace", Formats.bytes(vm.neededBytes().get()), Formats.bytes(vm.freeBytes().get()))
                    : messages.get("shrink.failed", vm.error().get());
            case DONE -> doneText(vm.result().get());
        };
    }

    private String doneText(SmallerVersion.Result r) {
        if (r == null) return "";
        QualityReport q = r.quality();
        String text = messages.get("shrink.done", r.file().output().getFileName().toString(), Formats.bytes(r.file().outputBytes()),
                kld(q.kld().mean()), String.format(messages.locale(), "%+.2f", q.perplexityIncreasePercent()),
                String.format(messages.locale(), "%.1f", q.top1Agreement() * 100));
        if (r.withoutImatrix() != null) text += " " + messages.get("shrink.done.imatrix", kld(r.withoutImatrix().kld().mean()));
        return text;
    }

    private String kld(double v) {
        return v > 0 && v < 0.0001 ? String.format(messages.locale(), "%.1e", v) : String.format(messages.locale(), "%.4f", v);
    }
}
