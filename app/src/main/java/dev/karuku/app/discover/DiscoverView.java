package dev.karuku.app.discover;

import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.hub.ModelSummary;
import dev.karuku.engine.hub.SearchSort;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// Code-behind of `discover.fxml`: the search field, order, results and "Load more"; a click on a result opens
/// its model page over the list (Back returns to the same results).
public final class DiscoverView {
    private final DiscoverViewModel vm;
    private final Messages messages;
    private final Function<String, Node> modelPage;
    private final StackPane root;
    private Node openPage;

    @FXML private VBox searchPage;
    @FXML private TextField searchField;
    @FXML private ComboBox<SearchSort> sortBox;
    @FXML private Label errorLabel;
    @FXML private ListView<ModelSummary> resultList;
    @FXML private Button moreButton;
    @FXML private ProgressIndicator busy;

    /// @param modelPage builds the page of a repo; it gets a way back through [#closeModelPage()]
    public DiscoverView(DiscoverViewModel vm, Messages messages, Function<String, Node> modelPage) {
        this.vm = vm;
        this.messages = messages;
        this.modelPage = modelPage;
        this.root = Fxml.load("/dev/karuku/app/discover/discover.fxml", this, messages);
    }

    public StackPane root() {
        return root;
    }

    public void closeModelPage() {
        if (openPage != null) root.getChildren().remove(openPage);
        openPage = null;
        searchPage.setVisible(true);
    }

    @FXML
    private void initialize() {
        searchField.setId("discover-search");
        searchField.textProperty().bindBidirectional(vm.query());
        searchField.setOnAction(e -> vm.search());
        sortBox.setId("discover-sort");
        sortBox.getItems().setAll(SearchSort.values());
        sortBox.setConverter(new StringConverter<>() {
            @Override public String toString(SearchSort s) { return s == null ? "" : messages.get("discover.sort." + s.name().toLowerCase(Locale.ROOT)); }
            @Override public SearchSort fromString(String s) { return null; }
        });
        sortBox.valueProperty().bindBidirectional(vm.sort());
        resultList.setId("discover-results");
        resultList.setItems(vm.results());
        resultList.setPlaceholder(placeholder(vm.state().get()));
        vm.state().addListener((o, a, s) -> resultList.setPlaceholder(placeholder(s)));
        resultList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(ModelSummary m, boolean empty) {
                super.updateItem(m, empty);
                setGraphic(empty || m == null ? null : row(m));
            }
        });
        resultList.setOnMouseClicked(e -> {
            ModelSummary m = resultList.getSelectionModel().getSelectedItem();
            if (m != null && e.getClickCount() >= 1) open(m.id());
        });
        resultList.setOnKeyPressed(e -> {
            ModelSummary m = resultList.getSelectionModel().getSelectedItem();
            if (m != null && e.getCode() == javafx.scene.input.KeyCode.ENTER) open(m.id());
        });
        errorLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.errorKey().get().isEmpty() ? "" : messages.get(vm.errorKey().get()), vm.errorKey()));
        errorLabel.visibleProperty().bind(vm.errorKey().isNotEmpty());
        errorLabel.managedProperty().bind(errorLabel.visibleProperty());
        moreButton.setId("discover-more");
        moreButton.visibleProperty().bind(vm.canLoadMore());
        moreButton.disableProperty().bind(vm.loadingMore());
        moreButton.setOnAction(e -> vm.loadMore());
        busy.visibleProperty().bind(vm.state().isEqualTo(DiscoverState.SEARCHING).or(vm.loadingMore()));
        if (vm.state().get() == DiscoverState.IDLE) vm.search();
    }

    /// What the empty list says: after a failed search not "type to search" (the user did), but that nothing could
    /// be fetched, with a button that asks again.
    private Node placeholder(DiscoverState s) {
        if (s != DiscoverState.ERROR) return new Label(messages.get(
                s == DiscoverState.EMPTY ? "discover.noResults" : s == DiscoverState.SEARCHING ? "discover.searching" : "discover.empty"));
        Label failed = new Label(messages.get("discover.failed"));
        failed.setWrapText(true);
        Button retry = new Button(messages.get("discover.retry"), new FontIcon(Feather.REFRESH_CW));
        retry.setId("discover-retry");
        retry.setOnAction(e -> vm.search());
        VBox box = new VBox(10, failed, retry);
        box.setAlignment(javafx.geometry.Pos.CENTER);
        box.setId("discover-failed");
        return box;
    }

    private void open(String repo) {
        closeModelPage();
        openPage = modelPage.apply(repo);
        searchPage.setVisible(false);
        root.getChildren().add(openPage);
    }

    private VBox row(ModelSummary m) {
        Label name = new Label(m.id(), new FontIcon(Feather.BOX));
        name.getStyleClass().add("title-4");
        HBox title = new HBox(8, name);
        title.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        if (m.gated().gated()) {
            Label gated = new Label(messages.get("discover.gated"), new FontIcon(Feather.LOCK));
            gated.getStyleClass().addAll("badge", "badge-gated");
            title.getChildren().add(gated);
        }
        if (m.vision()) {
            // the pinned llama.cpp has no multimodal library: say images cannot be sent yet, not promise them
            Label vision = new Label(messages.get("discover.vision"), new FontIcon(Feather.IMAGE));
            vision.getStyleClass().addAll("badge", "badge-unsupported");
            title.getChildren().add(vision);
        }
        String updated = m.lastModified().map(t -> DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM)
                .withLocale(messages.locale()).format(t.atZone(ZoneId.systemDefault()))).orElse("—");
        HBox stats = new HBox(
                new Label(Formats.count(messages, m.downloads()), new FontIcon(Feather.DOWNLOAD)),
                new Label(Formats.count(messages, m.likes()), new FontIcon(Feather.HEART)),
                new Label(messages.get("discover.updated", updated), new FontIcon(Feather.CLOCK)));
        stats.getStyleClass().add("result-stats");
        VBox box = new VBox(title, stats);
        box.getStyleClass().add("result-row");
        box.setId("discover-result-" + m.id().replaceAll("[^A-Za-z0-9]", "-"));
        return box;
    }
}
