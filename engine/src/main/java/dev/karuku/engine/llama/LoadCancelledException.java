package dev.karuku.engine.llama;

import java.nio.file.Path;
import java.util.List;

/// The load-progress listener asked to stop ([LoadProgressListener] returned false); nothing stays allocated.
public final class LoadCancelledException extends ModelLoadException {

    public LoadCancelledException(Path file, List<LogLine> log) {
        super(file, "loading was cancelled", log);
    }
}
