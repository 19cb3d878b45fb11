package dev.karuku.app.server;

import dev.karuku.app.ui.UiThread;
import dev.karuku.cli.server.JsonGrammars;
import dev.karuku.cli.server.OpenAiServer;
import dev.karuku.cli.server.ServedRequest;
import dev.karuku.cli.server.ServerOptions;
import dev.karuku.engine.serve.JsonGrammar;
import dev.karuku.engine.serve.ModelHost;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// The local API switch (Settings → Local API, and its status-bar item): Karuku's OpenAI-compatible server for
/// other apps, on 127.0.0.1 and a port the user picks, with an optional key; other devices may connect only when
/// the user says so, and then only with a key. Requests appear in [#requests()] as they are answered (time,
/// client, model, tokens, status; never a prompt or the key). The settings are saved on every change, and a server
/// that was on comes back on at the next start.
///
/// Starting and stopping run on `serverThread` (sequential); nothing here blocks the UI thread.
public final class LocalServerViewModel implements AutoCloseable {

    public enum State { OFF, STARTING, ON, FAILED }

    /// Why the server is not on although the switch is (a bundle key; the view translates it).
    public enum Problem { NONE, PORT_IN_USE, NEEDS_KEY, OTHER }

    /// How many requests the live list keeps (newest first).
    public static final int KEPT_REQUESTS = 200;

    private static final System.Logger LOG = System.getLogger("dev.karuku.app.server");

    private final LocalServerStore store;
    private final Supplier<ModelHost> hosts;
    private final Executor serverThread;
    private final UiThread ui;

    // Properties
    private final BooleanProperty enabled = new SimpleBooleanProperty();
    private final IntegerProperty port = new SimpleIntegerProperty();
    private final StringProperty apiKey = new SimpleStringProperty("");
    private final BooleanProperty network = new SimpleBooleanProperty();
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.OFF);
    private final ReadOnlyObjectWrapper<Problem> problem = new ReadOnlyObjectWrapper<>(Problem.NONE);
    private final ReadOnlyStringWrapper problemDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper url = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper networkUrl = new ReadOnlyStringWrapper("");
    private final ObservableList<ServedRequest> requests = FXCollections.observableArrayList();
    private final ObservableList<ServedRequest> requestsReadOnly = FXCollections.unmodifiableObservableList(requests);

    /// Only touched on `serverThread`.
    private OpenAiServer server;
    private ModelHost host;
    /// Counts starts and stops, so a start that finishes after a newer command does not report.
    private int generation;

    /// @param hosts        the models the server answers with, asked at each start; the host is closed when the
    ///                     server stops (pass one that ignores close to keep a shared host running)
    /// @param serverThread sequential
    public LocalServerViewModel(LocalServerStore store, Supplier<ModelHost> hosts, Executor serverThread, UiThread ui) {
        this.store = store;
        this.hosts = hosts;
        this.serverThread = serverThread;
        this.ui = ui;
        LocalServerSettings s = store.load();
        port.set(s.port());
        apiKey.set(s.apiKey());
        network.set(s.network());
        enabled.set(s.enabled());
        enabled.addListener((o, a, on) -> apply());
        if (s.enabled()) start();
    }

    public BooleanProperty enabled() { return enabled; }
    public IntegerProperty port() { return port; }
    public StringProperty apiKey() { return apiKey; }
    public BooleanProperty network() { return network; }
    public ReadOnlyObjectProperty<State> state() { return state.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Problem> problem() { return problem.getReadOnlyProperty(); }
    /// The system's words for [Problem#OTHER] (and the port for PORT_IN_USE).
    public ReadOnlyStringProperty problemDetail() { return problemDetail.getReadOnlyProperty(); }
    /// The base URL for apps on this PC (`http://127.0.0.1:PORT/v1`) while the server is on, else "".
    public ReadOnlyStringProperty url() { return url.getReadOnlyProperty(); }
    /// The base URL for other devices (this PC's network address) while they may connect, else "".
    public ReadOnlyStringProperty networkUrl() { return networkUrl.getReadOnlyProperty(); }
    /// The requests answered since the server started, newest first.
    public ObservableList<ServedRequest> requests() { return requestsReadOnly; }

    // Commands

    /// Saves the settings and (re)starts or stops the server to match them.
    public void apply() {
        LocalServerSettings s = settings();
        serverThread.execute(() -> {
            try {
                store.save(s);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not save the local API settings", e);
            }
        });
        if (s.enabled()) start();
        else stop();
    }

    public LocalServerSettings settings() {
        return new LocalServerSettings(enabled.get(), port.get(), apiKey.get(), network.get());
    }

    private void start() {
        LocalServerSettings s = settings();
        if (s.network() && s.apiKey().isEmpty()) {
            stop();
            fail(Problem.NEEDS_KEY, "");
            return;
        }
        int ticket = ++generation;
        state.set(State.STARTING);
        problem.set(Problem.NONE);
        serverThread.execute(() -> {
            stopNow();
            ServerOptions options = ServerOptions.defaults().withPort(s.port())
                    .withHost(s.network() ? "0.0.0.0" : ServerOptions.LOOPBACK)
                    .withApiKey(s.apiKey().isEmpty() ? null : s.apiKey())
                    .withGrammars(JsonGrammars.of(JsonGrammar::anyJson, JsonGrammar::fromSchema))
                    .withRequestLog(line -> LOG.log(System.Logger.Level.INFO, line))
                    .withRequestListener(r -> ui.execute(() -> record(r)));
            try {
                host = hosts.get();
                server = OpenAiServer.start(host, options);
                String local = "http://127.0.0.1:" + server.port() + "/v1";
                String lan = s.network() ? networkAddress().map(a -> "http://" + a + ":" + s.port() + "/v1").orElse("") : "";
                ui.execute(() -> {
                    if (ticket != generation) return;
                    url.set(local);
                    networkUrl.set(lan);
                    state.set(State.ON);
                });
            } catch (BindException e) {
                closeHost();
                ui.execute(() -> { if (ticket == generation) fail(Problem.PORT_IN_USE, String.valueOf(s.port())); });
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Could not start the local API", e);
                closeHost();
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                ui.execute(() -> { if (ticket == generation) fail(Problem.OTHER, why); });
            }
        });
    }

    private void stop() {
        ++generation;
        state.set(State.OFF);
        problem.set(Problem.NONE);
        url.set("");
        networkUrl.set("");
        serverThread.execute(this::stopNow);
    }

    private void fail(Problem p, String detail) {
        url.set("");
        networkUrl.set("");
        problemDetail.set(detail);
        problem.set(p);
        state.set(State.FAILED);
    }

    private void record(ServedRequest r) {
        requests.addFirst(r);
        if (requests.size() > KEPT_REQUESTS) requests.remove(KEPT_REQUESTS, requests.size());
    }

    private void stopNow() {
        if (server != null) server.close();
        server = null;
        closeHost();
    }

    private void closeHost() {
        if (host != null) host.close();
        host = null;
    }

    /// This PC's address on the local network (the first site-local IPv4 one), for the URL other devices use.
    private static java.util.Optional<String> networkAddress() {
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback() || n.isVirtual()) continue;
                for (InetAddress a : Collections.list(n.getInetAddresses()))
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) return java.util.Optional.of(a.getHostAddress());
            }
        } catch (SocketException e) {
            // no address to show
        }
        return java.util.Optional.empty();
    }

    /// Stops the server (at exit), waiting a few seconds for its port to be free again, so an app started right
    /// after (a restart) can listen on it.
    @Override
    public void close() {
        ++generation;
        var stopped = java.util.concurrent.CompletableFuture.runAsync(this::stopNow, serverThread);
        try {
            stopped.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "The local API did not stop in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
