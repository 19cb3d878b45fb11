package dev.karuku.app.load;

import java.nio.file.Path;
import java.util.List;

/// The models that can speed up a model as its draft: those of the library that share its vocabulary, smallest
/// first. Reads file headers: call it off the UI thread.
@FunctionalInterface
public interface DraftFinder {
    /// None: a screen without a library.
    DraftFinder NONE = model -> List.of();

    List<Path> drafts(Path model);
}
