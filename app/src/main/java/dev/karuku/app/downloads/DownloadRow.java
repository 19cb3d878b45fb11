package dev.karuku.app.downloads;

import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadProgress;
import java.util.Optional;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/// One download as the Downloads screen shows it: the job (state, files, error) and its latest progress.
public final class DownloadRow {
    private final String id;
    private final ReadOnlyObjectWrapper<DownloadJob> job;
    private final ReadOnlyObjectWrapper<DownloadProgress> progress;

    DownloadRow(DownloadJob job) {
        this.id = job.id();
        this.job = new ReadOnlyObjectWrapper<>(job);
        this.progress = new ReadOnlyObjectWrapper<>(new DownloadProgress(job.bytesDone(), job.totalBytes(), 0, Optional.empty()));
    }

    public String id() { return id; }
    public ReadOnlyObjectProperty<DownloadJob> job() { return job.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<DownloadProgress> progress() { return progress.getReadOnlyProperty(); }

    public DownloadJob.State state() { return job.get().state(); }

    void update(DownloadJob j) {
        job.set(j);
        if (j.state() == DownloadJob.State.DONE) progress.set(new DownloadProgress(j.totalBytes(), j.totalBytes(), 0, Optional.empty()));
        else if (j.state() != DownloadJob.State.RUNNING) progress.set(new DownloadProgress(j.bytesDone(), j.totalBytes(), 0, Optional.empty()));
    }

    void update(DownloadProgress p) {
        if (job.get().state() == DownloadJob.State.RUNNING || job.get().state() == DownloadJob.State.QUEUED) progress.set(p);
    }
}
