package dev.karuku.cli.bench;

import java.util.List;
import java.util.Optional;

/// Every engine's result on one model file, with that model's bandwidth bound.
///
/// @param label     what the row is called, e.g. `Q4_K_M`
/// @param fileBytes size of the GGUF file
/// @param bound     the memory-bandwidth bound for this model and these sizes
/// @param engines   Karuku first, then the peers that ran
public record ModelRun(String label, long fileBytes, BandwidthBound bound, List<EngineResult> engines) {

    public ModelRun {
        engines = List.copyOf(engines);
    }

    public Optional<EngineResult> engine(String name) {
        return engines.stream().filter(e -> e.engine().equals(name)).findFirst();
    }
}
