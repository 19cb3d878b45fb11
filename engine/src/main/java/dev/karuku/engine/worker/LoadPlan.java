package dev.karuku.engine.worker;

import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.MemoryEstimate;
import dev.karuku.engine.estimate.MemoryEstimator;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.LoadCheck;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.nio.file.Path;

/// How a model will be loaded and what the estimate says it needs: the supervisor's basis for loading two models
/// side by side or unloading one first. Pure Java: reads the GGUF header, never native code.
///
/// @param options   the load options the worker gets
/// @param ramBytes  estimated host memory
/// @param vramBytes estimated GPU memory
public record LoadPlan(LoadOptions options, long ramBytes, long vramBytes) {

    /// The plan for `file` answering one completion at a time; see [#of(Path, LoadOptions, Hardware, int)].
    public static LoadPlan of(Path file, LoadOptions chosen, Hardware hw) {
        return of(file, chosen, hw, 1);
    }

    /// The plan for `file` with `parallel` sequences of one context each (a worker's batched context holds
    /// `parallel` x the context in its KV cache, so the memory is estimated for that): `chosen` when given, else
    /// [BestFit]'s plan for this machine with at most [BestFit#DEFAULT_CONTEXT] tokens per sequence, its context
    /// shared out between the sequences. A header that cannot be read or that the load check refuses gets
    /// llama.cpp's defaults and no estimate: the worker then says what is wrong with the file.
    public static LoadPlan of(Path file, LoadOptions chosen, Hardware hw, int parallel) {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        LoadOptions fallback = chosen != null ? chosen : LoadOptions.of(LoadSettings.DEFAULTS.withContextLength(BestFit.DEFAULT_CONTEXT));
        GgufFile gguf;
        try {
            gguf = GgufReader.read(file);
            if (LoadCheck.problem(gguf).isPresent()) return new LoadPlan(fallback, 0, 0);
        } catch (Exception e) {
            return new LoadPlan(fallback, 0, 0);
        }
        try {
            if (chosen == null) {
                BestFit best = BestFit.of(gguf, EstimateOptions.defaults().withContextLength((long) BestFit.DEFAULT_CONTEXT * parallel), hw);
                int perSequence = Math.max(1, best.options().load().contextLength() / parallel);
                LoadOptions o = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(best.options().load().gpuLayers())
                        .withContextLength(perSequence));
                return new LoadPlan(o, best.estimate().ramBytes(), best.estimate().vramBytes());
            }
            long perSequence = chosen.settings().contextLength() > 0 ? chosen.settings().contextLength()
                    : gguf.metadata().integer(gguf.metadata().arch("context_length")).orElse(BestFit.DEFAULT_CONTEXT);
            MemoryEstimate e = MemoryEstimator.estimate(gguf, estimateOptions(chosen).withContextLength(perSequence * parallel), hw);
            return new LoadPlan(chosen, e.ramBytes(), e.vramBytes());
        } catch (RuntimeException e) {
            return new LoadPlan(fallback, 0, 0);
        }
    }

    /// The plan for `file` loaded with `speculative`: without it, [#of(Path, LoadOptions, Hardware, int)]; with it, one
    /// sequence (a speculative worker decodes one completion at a time) plus the draft model, estimated with the same
    /// estimator and the same settings as the worker loads it with, its memory added to the model's.
    public static LoadPlan of(Path file, LoadOptions chosen, Hardware hw, int parallel, SpeculativeSettings speculative) {
        if (!speculative.enabled()) return of(file, chosen, hw, parallel);
        LoadPlan model = of(file, chosen, hw, 1);
        if (speculative.draft() == null) return model;
        LoadPlan draft = of(speculative.draft(), LoadOptions.of(model.options().settings()), hw, 1);
        return new LoadPlan(model.options(), model.ramBytes() + draft.ramBytes(), model.vramBytes() + draft.vramBytes());
    }

    static EstimateOptions estimateOptions(LoadOptions o) {
        return EstimateOptions.of(o.settings());
    }
}
