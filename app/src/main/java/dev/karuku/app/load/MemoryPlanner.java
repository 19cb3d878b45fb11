package dev.karuku.app.load;

import java.nio.file.Path;

/// What the Load screen needs from the estimator: memory needed for a file and options, against this machine.
public interface MemoryPlanner {
    /// The plan for `file` loaded with `request`. Reads only the file's header.
    Plan plan(Path file, LoadRequest request);

    /// The most GPU layers that fit with `request`'s other options.
    int autoLayers(Path file, LoadRequest request);

    /// @param layers     blocks in the model (the slider runs 0…layers+1)
    /// @param ramNeeded  main memory needed
    /// @param vramNeeded GPU memory needed
    /// @param ramHave    main memory this machine has
    /// @param vramHave   GPU memory this machine has (0 without a GPU)
    /// @param verdict    FITS_ON_GPU, PARTLY_ON_GPU, CPU_ONLY or WONT_FIT
    /// @param tokensPerSecond estimated generation speed with these options (0 when unknown)
    record Plan(int layers, long ramNeeded, long vramNeeded, long ramHave, long vramHave, String verdict, double tokensPerSecond) {}
}
