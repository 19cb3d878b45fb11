package dev.karuku.app.discover;

import dev.karuku.engine.hub.QuantChoice;
import java.io.IOException;

/// Where the model page's Download button sends a quant: the download manager in the app.
@FunctionalInterface
public interface ModelDownloads {
    /// Whether a quant is on this PC already, so the page offers no second copy of it.
    enum Have { NONE, DOWNLOADING, DOWNLOADED }

    /// Queues every file of `choice` at `commit` (returns at once; the download runs in the background).
    void download(String repo, String commit, QuantChoice choice) throws IOException;

    /// Whether `quant` of `repo` is in My Models or being downloaded (asked off the UI thread).
    default Have have(String repo, String quant) {
        return Have.NONE;
    }

    /// The latest quality comparison measured on this PC of `quant` of `repo` (a file downloaded from it, or one made
    /// on this PC from one of its files), if any; asked off the UI thread.
    default java.util.Optional<dev.karuku.engine.quality.QualityResults.Entry> measured(String repo, String quant) {
        return java.util.Optional.empty();
    }
}
