package dev.karuku.engine.download;

import dev.karuku.engine.hub.RepoFile;

import java.util.List;

/// One queued model download (all files of one quantization: every shard, optionally a projector).
///
/// @param errorKey message key of the failure for the app's bundles, or null
/// @param modelId  the library id once installed, or null
public record DownloadJob(String id, String repo, String commit, String quant, List<RepoFile> files, State state,
                          long bytesDone, long totalBytes, String error, String errorKey, String modelId) {

    /// Where a job is. Only `DONE` jobs are in the library.
    public enum State {
        QUEUED, RUNNING, PAUSED, FAILED, CANCELLED, DONE;

        public boolean finished() {
            return this == FAILED || this == CANCELLED || this == DONE;
        }
    }

    public DownloadJob {
        files = List.copyOf(files);
    }

    DownloadJob with(State s, String err, String key, String model) {
        return new DownloadJob(id, repo, commit, quant, files, s, bytesDone, totalBytes, err, key, model);
    }

    DownloadJob withBytes(long done) {
        return new DownloadJob(id, repo, commit, quant, files, state, done, totalBytes, error, errorKey, modelId);
    }
}
