package dev.karuku.app.downloads;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadListener;
import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.download.DownloadProgress;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// Downloads: one row per job of the [DownloadManager], newest first, with pause, resume, cancel and retry.
///
/// The manager reports on its download threads, up to ten times a second per job; events are collected here and
/// handed to the UI thread in one batch — at most one pending UI task at any time, however many files download.
/// When a job finishes, `onCompleted` runs on the UI thread (the app refreshes My Models).
public final class DownloadsViewModel implements DownloadListener {
    private final DownloadManager manager;
    private final Executor io;
    private final UiThread ui;
    private final Runnable onCompleted;
    private final ObservableList<DownloadRow> rows = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<DownloadRow> rowsReadOnly = FXCollections.unmodifiableObservableList(rows);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final Map<String, DownloadJob> pendingJobs = new LinkedHashMap<>();
    private final Map<String, DownloadProgress> pendingProgress = new LinkedHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public DownloadsViewModel(DownloadManager manager, Executor io, UiThread ui, Runnable onCompleted) {
        this.manager = manager;
        this.io = io;
        this.ui = ui;
        this.onCompleted = onCompleted;
        manager.addListener(this);
        for (DownloadJob j : manager.jobs()) rows.addFirst(new DownloadRow(j));
    }

    // Properties

    public ObservableList<DownloadRow> rows() { return rowsReadOnly; }
    /// Why the last cancel failed ("" when fine).
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// Jobs queued, running or paused.
    public long active() { return rows.stream().filter(r -> !r.state().finished()).count(); }

    // Commands

    public void pause(DownloadRow row) {
        io.execute(() -> manager.pause(row.id()));
    }

    public void resume(DownloadRow row) {
        io.execute(() -> manager.resume(row.id()));
    }

    /// Tries a failed download again, continuing from the bytes already on disk.
    public void retry(DownloadRow row) {
        resume(row);
    }

    public void cancel(DownloadRow row) {
        io.execute(() -> {
            try {
                manager.cancel(row.id());
            } catch (IOException e) {
                ui.execute(() -> error.set(e.getMessage()));
            }
        });
    }

    /// Takes a done or cancelled row off the list (a downloaded model stays in My Models).
    public void clear(DownloadRow row) {
        if (row.state() != DownloadJob.State.DONE && row.state() != DownloadJob.State.CANCELLED) return;
        rows.remove(row);
        io.execute(() -> manager.clear(row.id()));
    }

    /// Stops listening (the app closes the manager itself).
    public void dispose() {
        manager.removeListener(this);
    }

    // DownloadListener, on download threads

    @Override
    public void progress(String jobId, DownloadProgress progress) {
        synchronized (this) {
            pendingProgress.put(jobId, progress);
        }
        schedule();
    }

    @Override
    public void changed(DownloadJob job) {
        synchronized (this) {
            pendingJobs.put(job.id(), job);
        }
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) ui.execute(this::drain);
    }

    /// On the UI thread: applies everything reported since the last drain.
    private void drain() {
        scheduled.set(false);
        Map<String, DownloadJob> jobs;
        Map<String, DownloadProgress> progress;
        synchronized (this) {
            jobs = new LinkedHashMap<>(pendingJobs);
            progress = new LinkedHashMap<>(pendingProgress);
            pendingJobs.clear();
            pendingProgress.clear();
        }
        boolean completed = false;
        for (DownloadJob j : jobs.values()) {
            DownloadRow row = row(j.id());
            if (row == null) {
                rows.addFirst(new DownloadRow(j));
                completed |= j.state() == DownloadJob.State.DONE;
            } else {
                completed |= j.state() == DownloadJob.State.DONE && row.state() != DownloadJob.State.DONE;
                row.update(j);
            }
        }
        progress.forEach((id, p) -> {
            DownloadRow row = row(id);
            if (row != null) row.update(p);
        });
        if (completed) onCompleted.run();
    }

    private DownloadRow row(String id) {
        for (DownloadRow r : rows) if (r.id().equals(id)) return r;
        return null;
    }
}
