package dev.karuku.app.connect;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.remote.RemoteHost;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ServeException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// Settings → Connections: the OpenAI-compatible servers the user added (another PC's `karuku serve`, llama-server,
/// Ollama, LM Studio, vLLM), each checked in the background for the models it serves. Nothing here blocks the UI
/// thread: listing a server's models runs on `io` and its outcome arrives through `ui`.
public final class ConnectionsViewModel implements AutoCloseable {

    /// What the last check of a connection found.
    public enum Status { CHECKING, REACHABLE, FAILED }

    /// Why the add form refused what was typed (a bundle key; the view translates it).
    public enum FormProblem { NONE, NO_NAME, BAD_URL }

    /// One connection and what its last check found.
    public static final class Item {
        private final Connection connection;
        private final RemoteHost host;
        private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.CHECKING);
        private final ReadOnlyObjectWrapper<List<String>> models = new ReadOnlyObjectWrapper<>(List.of());
        private final ReadOnlyObjectWrapper<ServeException> problem = new ReadOnlyObjectWrapper<>();

        Item(Connection connection) {
            this.connection = connection;
            this.host = new RemoteHost(URI.create(connection.url()), connection.apiKey());
        }

        public Connection connection() { return connection; }
        public RemoteHost host() { return host; }
        public ReadOnlyObjectProperty<Status> status() { return status.getReadOnlyProperty(); }
        /// The model ids the server listed at the last successful check.
        public ReadOnlyObjectProperty<List<String>> models() { return models.getReadOnlyProperty(); }
        /// Why the last check failed, or null.
        public ReadOnlyObjectProperty<ServeException> problem() { return problem.getReadOnlyProperty(); }
    }

    private static final System.Logger LOG = System.getLogger("dev.karuku.app.connect");

    private final ConnectionStore store;
    private final Executor disk;
    private final Executor io;
    private final UiThread ui;

    // Properties
    private final ObservableList<Item> items = FXCollections.observableArrayList();
    private final ObservableList<Item> itemsReadOnly = FXCollections.unmodifiableObservableList(items);
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty url = new SimpleStringProperty("");
    private final StringProperty apiKey = new SimpleStringProperty("");
    private final ReadOnlyObjectWrapper<FormProblem> formProblem = new ReadOnlyObjectWrapper<>(FormProblem.NONE);
    private final ReadOnlyStringWrapper saveError = new ReadOnlyStringWrapper("");

    /// @param disk sequential (saves land in order)
    /// @param io   for the checks (each waits on the network)
    public ConnectionsViewModel(ConnectionStore store, Executor disk, Executor io, UiThread ui) {
        this.store = store;
        this.disk = disk;
        this.io = io;
        this.ui = ui;
        for (Connection c : store.load()) {
            try {
                items.add(new Item(c));
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "skipping a stored connection with a bad address: " + c);
            }
        }
        items.forEach(this::check);
    }

    public ObservableList<Item> items() { return itemsReadOnly; }
    public StringProperty name() { return name; }
    public StringProperty url() { return url; }
    public StringProperty apiKey() { return apiKey; }
    public ReadOnlyObjectProperty<FormProblem> formProblem() { return formProblem.getReadOnlyProperty(); }
    /// Why the connections could not be written to disk ("" when they were).
    public ReadOnlyStringProperty saveError() { return saveError.getReadOnlyProperty(); }

    // Commands

    /// Adds what the form holds, saves it, clears the form and checks the new connection in the background.
    /// Returns the new item, or null when the form was refused ([#formProblem()] says why).
    public Item add() {
        String n = name.get() == null ? "" : name.get().strip();
        URI base;
        try {
            base = RemoteHost.apiBase(url.get());
        } catch (IllegalArgumentException e) {
            formProblem.set(FormProblem.BAD_URL);
            return null;
        }
        if (n.isEmpty()) n = base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
        formProblem.set(FormProblem.NONE);
        Item item = new Item(new Connection(UUID.randomUUID().toString(), n, base.toString(), apiKey.get()));
        items.add(item);
        name.set("");
        url.set("");
        apiKey.set("");
        save();
        check(item);
        return item;
    }

    /// Asks the connection's server again which models it serves.
    public void check(Item item) {
        item.status.set(Status.CHECKING);
        io.execute(() -> {
            try {
                List<String> ids = item.host.listModels().stream().map(HostedModel::id).toList();
                ui.execute(() -> {
                    item.problem.set(null);
                    item.models.set(ids);
                    item.status.set(Status.REACHABLE);
                });
            } catch (ServeException e) {
                ui.execute(() -> {
                    item.problem.set(e);
                    item.models.set(List.of());
                    item.status.set(Status.FAILED);
                });
            }
        });
    }

    /// Checks every connection again.
    public void checkAll() {
        items.forEach(this::check);
    }

    /// Forgets the connection (and its key); a reply streaming from it is cancelled.
    public void remove(Item item) {
        if (!items.remove(item)) return;
        io.execute(item.host::close);
        save();
    }

    public Item find(String id) {
        return items.stream().filter(i -> i.connection.id().equals(id)).findFirst().orElse(null);
    }

    private void save() {
        List<Connection> snapshot = items.stream().map(Item::connection).toList();
        disk.execute(() -> {
            try {
                store.save(snapshot);
                ui.execute(() -> saveError.set(""));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not save the connections", e);
                ui.execute(() -> saveError.set(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        });
    }

    @Override
    public void close() {
        items.forEach(i -> i.host.close());
    }
}
