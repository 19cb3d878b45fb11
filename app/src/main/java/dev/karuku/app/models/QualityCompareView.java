package dev.karuku.app.models;

import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.quality.QualityResults;
import java.io.File;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.ScatterChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

/// The Compare quality window: reference and text, Start / Cancel with progress, the files of this model measured
/// against that reference (KL divergence, perplexity, same top token) and a chart of size against KL divergence.
/// Follows the main window's theme and language.
public final class QualityCompareView {
    private final QualityCompareViewModel vm;
    private final Messages messages;
    private final Stage stage = new Stage();

    public QualityCompareView(QualityCompareViewModel vm, Messages messages, Window owner) {
        this.vm = vm;
        this.messages = messages;
        stage.initOwner(owner);
        stage.initModality(Modality.NONE);
        stage.setTitle(messages.get("quality.title", vm.model().name()));
        VBox root = build();
        root.setId("quality-dialog");
        root.setUserData(vm); // lets tests and tools reach the comparison's state
        Scene scene = new Scene(root, 900, 640);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
            if (owner.getScene().getRoot().getStyleClass().contains("dark")) root.getStyleClass().add("dark");
        }
        stage.setScene(scene);
        stage.setOnHidden(e -> vm.cancel()); // closing the window stops the measurement: nothing half-done is kept
    }

    public void show() {
        stage.show();
    }

    public Stage stage() {
        return stage;
    }

    private VBox build() {
        Label intro = new Label(messages.get("quality.intro"));
        intro.setWrapText(true);
        intro.getStyleClass().add("hint");

        ComboBox<ModelEntry> reference = new ComboBox<>();
        reference.setId("quality-reference");
        reference.getItems().setAll(vm.referenceChoices());
        reference.valueProperty().bindBidirectional(vm.reference());
        StringConverter<ModelEntry> names = new StringConverter<>() {
            @Override public String toString(ModelEntry e) { return e == null ? "" : e.name() + " · " + e.quant() + " · " + Formats.bytes(e.size()); }
            @Override public ModelEntry fromString(String s) { return null; }
        };
        reference.setConverter(names);
        reference.setButtonCell(new ListCell<>() {
            @Override protected void updateItem(ModelEntry e, boolean empty) { super.updateItem(e, empty); setText(empty ? "" : names.toString(e)); }
        });

        Label text = new Label();
        text.setId("quality-text");
        text.textProperty().bind(Bindings.createStringBinding(() -> vm.textFile().get() == null
                ? messages.get("quality.text.sample") : vm.textFile().get().getFileName().toString(), vm.textFile()));
        Button chooseText = new Button(messages.get("quality.text.choose"));
        chooseText.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(messages.get("quality.text.filter"), "*.txt", "*.md"));
            File f = chooser.showOpenDialog(stage);
            if (f != null) vm.textFile().set(f.toPath());
        });
        Button sample = new Button(messages.get("quality.text.useSample"));
        sample.setOnAction(e -> vm.textFile().set(null));

        Label referenceLabel = new Label(messages.get("quality.reference"));
        Label textLabel = new Label(messages.get("quality.text"));
        text.setMinWidth(0);
        HBox textRow = new HBox(8, text, chooseText, sample);
        textRow.setAlignment(Pos.CENTER_LEFT);
        GridPane form = new GridPane();
        form.setHgap(12);
        form.setVgap(8);
        form.addRow(0, referenceLabel, reference);
        form.addRow(1, textLabel, textRow);

        Button start = new Button(messages.get("quality.start"));
        start.setId("quality-start");
        start.getStyleClass().add("accent");
        start.disableProperty().bind(vm.running().or(vm.reference().isNull()));
        start.setOnAction(e -> vm.start());
        Button cancel = new Button(messages.get("quality.cancel"));
        cancel.setId("quality-cancel");
        cancel.disableProperty().bind(vm.running().not());
        cancel.setOnAction(e -> vm.cancel());
        ProgressBar bar = new ProgressBar();
        bar.setId("quality-progress");
        bar.progressProperty().bind(vm.progress());
        bar.setPrefWidth(240);
        Label status = new Label();
        status.setId("quality-status");
        status.setWrapText(true);
        status.textProperty().bind(Bindings.createStringBinding(() -> switch (vm.state().get()) {
            case IDLE -> "";
            case RUNNING -> messages.get("quality.running");
            case DONE -> messages.get("quality.done");
            case CANCELLED -> messages.get("quality.cancelled");
            case FAILED -> messages.get("quality.failed", vm.error().get());
        }, vm.state(), vm.error()));
        HBox actions = new HBox(10, start, cancel, bar, status);
        actions.setAlignment(Pos.CENTER_LEFT);
        javafx.scene.layout.HBox.setHgrow(status, javafx.scene.layout.Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        // labels and buttons keep their whole text; the chosen text's name gives way first
        for (var c : java.util.List.of(referenceLabel, textLabel, chooseText, sample, start, cancel))
            c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);

        VBox rows = new VBox(4);
        rows.setId("quality-results");
        NumberAxis x = new NumberAxis();
        x.setLabel(messages.get("quality.chart.size"));
        NumberAxis y = new NumberAxis();
        y.setLabel(messages.get("quality.chart.kld"));
        ScatterChart<Number, Number> chart = new ScatterChart<>(x, y);
        chart.setId("quality-chart");
        chart.setLegendVisible(false);
        chart.setPrefHeight(260);
        Runnable refresh = () -> {
            rows.getChildren().clear();
            XYChart.Series<Number, Number> series = new XYChart.Series<>();
            // sizes in GB, or MB when every file measured is smaller than 1 GB
            boolean small = vm.results().stream().allMatch(e -> e.sizeBytes() < 1e9);
            x.setLabel(messages.get(small ? "quality.chart.sizeMb" : "quality.chart.size"));
            for (QualityResults.Entry e : vm.results()) {
                var r = e.report();
                Label row = new Label(messages.get("quality.row", e.model().getFileName().toString(), Formats.bytes(e.sizeBytes()),
                        kld(r.kld().mean()),
                        String.format(messages.locale(), "%+.2f", r.perplexityIncreasePercent()),
                        String.format(messages.locale(), "%.1f", r.top1Agreement() * 100)));
                row.getStyleClass().add("quality-row");
                row.setWrapText(true);
                rows.getChildren().add(row);
                series.getData().add(new XYChart.Data<>(e.sizeBytes() / (small ? 1e6 : 1e9), r.kld().mean()));
            }
            if (vm.results().isEmpty()) rows.getChildren().add(new Label(messages.get("quality.none")));
            chart.getData().setAll(java.util.List.of(series));
        };
        vm.results().addListener((ListChangeListener<QualityResults.Entry>) c -> refresh.run());
        refresh.run();

        VBox root = new VBox(12, intro, form, actions, rows, chart);
        root.setPadding(new Insets(16));
        root.getStyleClass().add("quality-compare");
        return root;
    }

    /// A KL divergence as people read it: four decimals, or a power of ten when it is smaller than that shows.
    private String kld(double v) {
        return v > 0 && v < 0.0001 ? String.format(messages.locale(), "%.1e", v) : String.format(messages.locale(), "%.4f", v);
    }
}
