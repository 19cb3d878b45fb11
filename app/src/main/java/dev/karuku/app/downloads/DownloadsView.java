package dev.karuku.app.downloads;

import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.LazyTooltip;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadProgress;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// Code-behind of `downloads.fxml`: a row per download with progress, speed and time left, and the buttons that
/// fit its state (pause / resume / cancel / retry). Failures show their reason in the user's language.
public final class DownloadsView {
    private final DownloadsViewModel vm;
    private final Messages messages;
    private final VBox root;

    @FXML private ListView<DownloadRow> jobList;
    @FXML private Label errorLabel;

    public DownloadsView(DownloadsViewModel vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
        this.root = Fxml.load("/dev/karuku/app/downloads/downloads.fxml", this, messages);
    }

    public VBox root() {
        return root;
    }

    @FXML
    private void initialize() {
        jobList.setId("downloads-list");
        jobList.setItems(vm.rows());
        jobList.setPlaceholder(new Label(messages.get("downloads.empty")));
        jobList.setCellFactory(l -> new RowCell());
        errorLabel.textProperty().bind(vm.error());
        errorLabel.visibleProperty().bind(Bindings.isNotEmpty(vm.error()));
    }

    /// One cell per visible row; it re-binds to whichever row it shows.
    private final class RowCell extends ListCell<DownloadRow> {
        private final Label title = new Label();
        private final Label state = new Label();
        private final ProgressBar bar = new ProgressBar();
        private final Label caption = new Label();
        private final Label failure = new Label();
        private final HBox buttons = new HBox(6);
        private final VBox box;
        private DownloadRow shown;
        private final javafx.beans.InvalidationListener refresh = o -> refresh();

        RowCell() {
            title.getStyleClass().add("title-4");
            title.setGraphic(new FontIcon(Feather.BOX));
            state.getStyleClass().add("badge");
            caption.getStyleClass().add("muted");
            failure.getStyleClass().add("bubble-error");
            failure.setWrapText(true);
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox top = new HBox(10, title, state, spacer, buttons);
            top.setAlignment(Pos.CENTER_LEFT);
            bar.setMaxWidth(Double.MAX_VALUE);
            box = new VBox(6, top, bar, caption, failure);
            box.getStyleClass().addAll("card", "download-row");
            // the row is as wide as the list, never wider: no sideways scrolling, the buttons stay in view
            setPrefWidth(0);
            box.setMinWidth(0);
            box.prefWidthProperty().bind(Bindings.createDoubleBinding(
                    () -> Math.max(0, getWidth() - getInsets().getLeft() - getInsets().getRight()), widthProperty(), insetsProperty()));
            box.maxWidthProperty().bind(box.prefWidthProperty());
        }

        @Override
        protected void updateItem(DownloadRow row, boolean empty) {
            super.updateItem(row, empty);
            if (shown != null) {
                shown.job().removeListener(refresh);
                shown.progress().removeListener(refresh);
            }
            shown = empty ? null : row;
            if (shown == null) {
                setGraphic(null);
                return;
            }
            shown.job().addListener(refresh);
            shown.progress().addListener(refresh);
            refresh();
            setGraphic(box);
        }

        private void refresh() {
            DownloadRow row = shown;
            if (row == null) return;
            DownloadJob j = row.job().get();
            DownloadProgress p = row.progress().get();
            String slug = j.id();
            box.setId("download-" + slug);
            title.setText(j.repo() + " · " + j.quant());
            state.setText(messages.get("downloads.state." + j.state().name().toLowerCase(Locale.ROOT)));
            state.setId("download-state-" + slug);
            bar.setProgress(j.state() == DownloadJob.State.QUEUED && p.bytesDone() == 0 ? -1 : p.fraction());
            // a failed download is no progress: a full bar over "Failed" read as nearly done
            bar.setVisible(!j.state().finished());
            bar.setManaged(bar.isVisible());
            String sizes = messages.get("load.mem.of", Formats.bytes(p.bytesDone()), Formats.bytes(p.totalBytes()));
            if (j.state() == DownloadJob.State.RUNNING && p.bytesPerSecond() > 0) {
                String eta = p.eta().map(d -> Formats.seconds(messages, d.toSeconds())).orElse("—");
                caption.setText(messages.get("downloads.running", sizes, Formats.bytes(Math.round(p.bytesPerSecond())), eta));
            } else if (j.state() == DownloadJob.State.DONE) {
                caption.setText(messages.get("downloads.done", Formats.bytes(j.totalBytes())));
            } else {
                caption.setText(sizes);
            }
            boolean failed = j.state() == DownloadJob.State.FAILED;
            failure.setVisible(failed);
            failure.setManaged(failed);
            if (failed) {
                String reason = j.errorKey() != null ? messages.get(j.errorKey()) : j.error();
                failure.setText(messages.get("downloads.failed", reason == null ? "" : reason));
            }
            buttons.getChildren().clear();
            switch (j.state()) {
                case QUEUED, RUNNING -> buttons.getChildren().addAll(
                        button("pause", Feather.PAUSE, "downloads.pause", () -> vm.pause(row), slug),
                        button("cancel", Feather.X, "downloads.cancel", () -> vm.cancel(row), slug));
                case PAUSED -> buttons.getChildren().addAll(
                        button("resume", Feather.PLAY, "downloads.resume", () -> vm.resume(row), slug),
                        button("cancel", Feather.X, "downloads.cancel", () -> vm.cancel(row), slug));
                case FAILED -> buttons.getChildren().addAll(
                        button("retry", Feather.ROTATE_CW, "downloads.retry", () -> vm.retry(row), slug),
                        button("discard", Feather.TRASH_2, "downloads.discard", () -> vm.cancel(row), slug));
                case DONE, CANCELLED -> buttons.getChildren().add(
                        button("clear", Feather.X, "downloads.clear", () -> vm.clear(row), slug));
            }
        }

        private Button button(String id, Feather icon, String key, Runnable action, String slug) {
            Button b = new Button(messages.get(key), new FontIcon(icon));
            b.setId("download-" + id + "-" + slug);
            LazyTooltip.install(b, messages.get(key));
            b.setOnAction(e -> action.run());
            return b;
        }
    }
}
