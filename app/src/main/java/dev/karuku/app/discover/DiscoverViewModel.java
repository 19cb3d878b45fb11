package dev.karuku.app.discover;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.ModelSummary;
import dev.karuku.engine.hub.SearchPage;
import dev.karuku.engine.hub.SearchQuery;
import dev.karuku.engine.hub.SearchSort;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// Discover: search the Hub for GGUF models as the user types (after a ~300 ms pause), in the chosen order, a page
/// at a time. Requests run on `io` (virtual threads); results reach the UI thread, and an answer to an older query
/// than the latest is dropped, so fast typing never shows stale results.
public final class DiscoverViewModel {
    public static final Duration DEBOUNCE = Duration.ofMillis(300);
    static final int PAGE_SIZE = 30;

    private final Supplier<HubClient> hub;
    private final Executor io;
    private final UiThread ui;
    private final Debouncer debouncer;
    private final StringProperty query = new SimpleStringProperty("");
    private final ObjectProperty<SearchSort> sort = new SimpleObjectProperty<>(SearchSort.DOWNLOADS);
    private final ObservableList<ModelSummary> results = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<ModelSummary> resultsReadOnly = FXCollections.unmodifiableObservableList(results);
    private final ReadOnlyObjectWrapper<DiscoverState> state = new ReadOnlyObjectWrapper<>(DiscoverState.IDLE);
    private final ReadOnlyStringWrapper errorKey = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper canLoadMore = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper loadingMore = new ReadOnlyBooleanWrapper();
    private SearchPage lastPage;
    private long request;

    /// @param hub a client with the user's current token (asked for on every search)
    public DiscoverViewModel(Supplier<HubClient> hub, Executor io, UiThread ui) {
        this.hub = hub;
        this.io = io;
        this.ui = ui;
        this.debouncer = new Debouncer(DEBOUNCE, ui::execute);
        query.addListener((o, a, b) -> debouncer.submit(this::search));
        sort.addListener((o, a, b) -> search());
    }

    // Properties

    /// The search text; changing it searches after a pause in typing.
    public StringProperty query() { return query; }
    /// The order; changing it searches at once.
    public ObjectProperty<SearchSort> sort() { return sort; }
    public ObservableList<ModelSummary> results() { return resultsReadOnly; }
    public ReadOnlyObjectProperty<DiscoverState> state() { return state.getReadOnlyProperty(); }
    /// Message key of the last failure ("" when none): `hub.error.*`.
    public ReadOnlyStringProperty errorKey() { return errorKey.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty canLoadMore() { return canLoadMore.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty loadingMore() { return loadingMore.getReadOnlyProperty(); }

    // Commands

    /// Searches now with the current text and order (Enter in the field, or the first visit).
    public void search() {
        debouncer.cancel();
        long mine = ++request;
        SearchQuery q = new SearchQuery(query.get().strip(), sort.get(), PAGE_SIZE);
        state.set(DiscoverState.SEARCHING);
        errorKey.set("");
        canLoadMore.set(false);
        io.execute(() -> {
            try {
                SearchPage page = hub.get().search(q);
                ui.execute(() -> {
                    if (mine != request) return;
                    lastPage = page;
                    results.setAll(page.models());
                    canLoadMore.set(page.hasNext());
                    state.set(page.models().isEmpty() ? DiscoverState.EMPTY : DiscoverState.RESULTS);
                });
            } catch (Exception e) {
                fail(mine, e);
            }
        });
    }

    /// Appends the next page of results.
    public void loadMore() {
        SearchPage page = lastPage;
        if (page == null || !page.hasNext() || loadingMore.get()) return;
        long mine = request;
        loadingMore.set(true);
        io.execute(() -> {
            try {
                SearchPage next = hub.get().next(page);
                ui.execute(() -> {
                    if (mine != request) return;
                    loadingMore.set(false);
                    lastPage = next;
                    results.addAll(next.models());
                    canLoadMore.set(next.hasNext());
                });
            } catch (Exception e) {
                ui.execute(() -> loadingMore.set(false));
                fail(mine, e);
            }
        });
    }

    private void fail(long mine, Exception e) {
        String key = HubErrorKeys.of(e);
        ui.execute(() -> {
            if (mine != request) return;
            errorKey.set(key);
            state.set(DiscoverState.ERROR);
        });
    }
}
