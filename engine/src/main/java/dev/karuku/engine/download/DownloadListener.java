package dev.karuku.engine.download;

/// Receives download events on the download's thread; a UI must hand them to its own thread.
public interface DownloadListener {

    /// At most about ten times a second per job.
    default void progress(String jobId, DownloadProgress progress) {}

    /// A job was added, started, paused, failed, cancelled or finished.
    default void changed(DownloadJob job) {}
}
