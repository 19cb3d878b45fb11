package dev.karuku.app.load;

import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.List;

/// What the Load screen needs from the estimator: memory needed for a file and options, against this machine.
public interface MemoryPlanner {
    /// The plan for `file` loaded with `request`. Reads only the file's header.
    Plan plan(Path file, LoadSettings request);

    /// The plan for `file` loaded with `request` and `draft` beside it (null: no draft): the pair's memory, the draft
    /// sized with the model's options as the engine loads it. Planners that know no drafts plan the model alone.
    default Plan plan(Path file, LoadSettings request, Path draft) {
        return plan(file, request);
    }

    /// The most GPU layers that fit with `request`'s other options.
    int autoLayers(Path file, LoadSettings request);

    /// The options that fit best on this PC: `base`'s KV cache type, flash attention and threads, the most GPU
    /// layers that fit with a safety margin, and `file`'s context — at most `base`'s — cut to what fits.
    LoadSettings bestFit(Path file, LoadSettings base);

    /// @param layers     blocks in the model (the slider runs 0…layers+1)
    /// @param ramNeeded  main memory needed
    /// @param vramNeeded GPU memory needed
    /// @param ramHave    main memory this machine has
    /// @param vramHave   GPU memory this machine has (0 without a GPU)
    /// @param verdict    FITS_ON_GPU, PARTLY_ON_GPU, CPU_ONLY or WONT_FIT
    /// @param tokensPerSecond estimated generation speed with these options (0 when unknown)
    /// @param approximate why the estimate is only approximate (empty when it is calibrated)
    /// @param unmeasuredGpu the kind of GPU ("CUDA", "Metal") when the estimator was never measured on one, else ""
    /// @param trainedContext the context the model was trained for (0 when the file does not say)
    record Plan(int layers, long ramNeeded, long vramNeeded, long ramHave, long vramHave, String verdict, double tokensPerSecond,
                List<String> approximate, String unmeasuredGpu, long trainedContext) {
        public Plan {
            approximate = List.copyOf(approximate);
        }

        public Plan(int layers, long ramNeeded, long vramNeeded, long ramHave, long vramHave, String verdict, double tokensPerSecond,
                    List<String> approximate, String unmeasuredGpu) {
            this(layers, ramNeeded, vramNeeded, ramHave, vramHave, verdict, tokensPerSecond, approximate, unmeasuredGpu, 0);
        }
    }
}
