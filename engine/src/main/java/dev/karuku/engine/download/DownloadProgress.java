package dev.karuku.engine.download;

import java.time.Duration;
import java.util.Optional;

/// Where a download stands: what a progress bar and its caption need.
///
/// @param bytesPerSecond recent rate (smoothed over a few seconds)
/// @param eta            time left at that rate, empty while the rate is unknown
public record DownloadProgress(long bytesDone, long totalBytes, double bytesPerSecond, Optional<Duration> eta) {

    public double fraction() {
        return totalBytes <= 0 ? 0 : Math.min(1, (double) bytesDone / totalBytes);
    }
}
