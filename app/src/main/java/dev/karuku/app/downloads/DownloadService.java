package dev.karuku.app.downloads;

import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.RepoFile;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/// The engine's [DownloadManager] for the Hub token in use now.
///
/// A manager keeps the [HubClient] it was built with, and a client keeps its token, so a token added or changed in
/// Settings replaces the manager: the old one is closed (its running jobs pause and stay marked running in the
/// saved queue) and a new one with the new client is started, which continues them — the same path as a restart
/// of the app. Jobs queued afterwards, and Retry of a job that failed for want of a token, use the new token.
/// Everything goes through this class, so no job is queued on a manager that is being replaced.
public final class DownloadService implements AutoCloseable {
    private final Function<HubClient, DownloadManager> managers;
    private final List<Consumer<DownloadManager>> swapListeners = new CopyOnWriteArrayList<>();
    private HubClient client;
    private DownloadManager current;

    /// @param managers builds a manager for a client (over the app's library and download options)
    public DownloadService(HubClient client, Function<HubClient, DownloadManager> managers) {
        this.managers = managers;
        this.client = client;
        this.current = managers.apply(client);
    }

    /// Loads the saved queue and continues what was queued or running when the app last stopped.
    public synchronized void start() {
        current.start();
    }

    /// The manager in use now (a later [#useClient] replaces it).
    public synchronized DownloadManager current() {
        return current;
    }

    /// Runs `listener` (on the calling thread of [#useClient]) with each new manager.
    public void onReplaced(Consumer<DownloadManager> listener) {
        swapListeners.add(listener);
    }

    public synchronized DownloadJob enqueue(String repo, String commit, QuantChoice choice) throws IOException {
        return current.enqueue(repo, commit, choice);
    }

    public synchronized DownloadJob enqueue(String repo, String commit, String quant, List<RepoFile> files) throws IOException {
        return current.enqueue(repo, commit, quant, files);
    }

    /// Downloads from now on with `next` (a client with another token). Does nothing when the token is the same.
    /// Blocks while running jobs pause (up to seconds): call it off the UI thread.
    public synchronized void useClient(HubClient next) {
        if (Objects.equals(next.config().token(), client.config().token())) return;
        current.close();
        client = next;
        current = managers.apply(next);
        current.start();
        for (Consumer<DownloadManager> l : swapListeners) l.accept(current);
    }

    @Override
    public synchronized void close() {
        current.close();
    }
}
