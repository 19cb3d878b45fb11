package dev.karuku.engine.download;

import dev.karuku.engine.hub.Sleeper;

import java.time.Duration;

/// Tuning of downloads.
///
/// @param segmentThreshold files at least this big are fetched over several connections
/// @param maxConnections   connections per big file
/// @param networkRetries   retries after a dropped connection without new bytes in between
/// @param retryDelay       wait before such a retry (doubled each time, at most 30 s)
/// @param sleeper          how to wait (tests pass a no-op)
/// @param disk             free-space oracle
/// @param spaceMargin      bytes to leave free beyond the download
/// @param partFiles        how `.part` files are opened
/// @param stallTimeout     a connection that delivers no bytes for this long is dropped and continued
public record DownloadOptions(long segmentThreshold, int maxConnections, int networkRetries, Duration retryDelay,
                              Sleeper sleeper, DiskSpace disk, long spaceMargin, PartFiles partFiles,
                              Duration stallTimeout) {

    public static DownloadOptions defaults() {
        return new DownloadOptions(64L << 20, 4, 5, Duration.ofSeconds(1), Sleeper.REAL, DiskSpace.FILE_STORE,
                256L << 20, PartFiles.DEFAULT, Duration.ofSeconds(30));
    }

    public DownloadOptions withSegments(long threshold, int connections) {
        return new DownloadOptions(threshold, connections, networkRetries, retryDelay, sleeper, disk, spaceMargin, partFiles, stallTimeout);
    }

    public DownloadOptions withSleeper(Sleeper s) {
        return new DownloadOptions(segmentThreshold, maxConnections, networkRetries, retryDelay, s, disk, spaceMargin, partFiles, stallTimeout);
    }

    public DownloadOptions withDisk(DiskSpace d, long margin) {
        return new DownloadOptions(segmentThreshold, maxConnections, networkRetries, retryDelay, sleeper, d, margin, partFiles, stallTimeout);
    }

    public DownloadOptions withPartFiles(PartFiles p) {
        return new DownloadOptions(segmentThreshold, maxConnections, networkRetries, retryDelay, sleeper, disk, spaceMargin, p, stallTimeout);
    }

    public DownloadOptions withStallTimeout(Duration t) {
        return new DownloadOptions(segmentThreshold, maxConnections, networkRetries, retryDelay, sleeper, disk, spaceMargin, partFiles, t);
    }
}
