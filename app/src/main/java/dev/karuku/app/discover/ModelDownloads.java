package dev.karuku.app.discover;

import dev.karuku.engine.hub.QuantChoice;
import java.io.IOException;

/// Where the model page's Download button sends a quant: the download manager in the app.
@FunctionalInterface
public interface ModelDownloads {
    /// Queues every file of `choice` at `commit` (returns at once; the download runs in the background).
    void download(String repo, String commit, QuantChoice choice) throws IOException;
}
