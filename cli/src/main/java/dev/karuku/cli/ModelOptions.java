package dev.karuku.cli;

import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.LoadCheck;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/// Options shared by `generate` and `chat`: how to load the model and how to sample.
final class ModelOptions {

    /// A context length that suits chat on ordinary PCs; a model's own (often 128k) would need gigabytes of KV cache.
    static final int DEFAULT_CONTEXT = BestFit.DEFAULT_CONTEXT;

    @Option(names = "--gpu-layers", paramLabel = "N", description = "layers to offload to the GPU (-1 = all, 0 = none; "
            + "default: as many as fit in free VRAM with a safety margin)")
    Integer gpuLayers;

    @Option(names = "--ctx", paramLabel = "N", description = "context length in tokens (default: the model's, at most "
            + DEFAULT_CONTEXT + " and what fits in memory)")
    Integer ctx;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: physical cores)")
    Integer threads;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default 0.8)")
    float temperature = 0.8f;

    @Option(names = "--top-k", paramLabel = "K", description = "default 40; 0 = off")
    int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "default 0.95; 1 = off")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "default 0.05; 0 = off")
    float minP = 0.05f;

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "default 1.0 = off")
    float repeatPenalty = 1.0f;

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "tokens the repeat penalty looks back (default 64)")
    int repeatLastN = 64;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: random)")
    Integer seed;

    @Option(names = "--draft", paramLabel = "MODEL", description = "speculative decoding with this draft model: a small "
            + "model with the same vocabulary proposes tokens, the model checks several at a time (same text, faster)")
    Path draft;

    @Option(names = "--draft-max", paramLabel = "N", description = "the most tokens proposed at a time (default "
            + SpeculativeSettings.DEFAULT_DRAFT_MAX + "; fewer while few are accepted)")
    int draftMax = SpeculativeSettings.DEFAULT_DRAFT_MAX;

    @Option(names = "--lookup", description = "speculative decoding with prompt lookup: continuations of text already "
            + "in the conversation are proposed and checked several at a time")
    boolean lookup;

    /// `--draft`, `--draft-max` and `--lookup`.
    SpeculativeSettings speculative() {
        try {
            if (draft != null && !java.nio.file.Files.isRegularFile(draft)) {
                throw new CliErrors.UsageProblem("no draft model at " + draft);
            }
            return new SpeculativeSettings(draft, draftMax, lookup);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
    }

    LoadOptions loadOptions(Path model) {
        try {
            return LoadOptions.of(loadSettings(model));
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
    }

    /// `--gpu-layers`, `--ctx` and `--threads` over [LoadSettings#DEFAULTS]; without `--gpu-layers`, the plan that fits
    /// best here, as the app starts from (`--ctx` still wins).
    LoadSettings loadSettings(Path model) {
        LoadSettings s = LoadSettings.DEFAULTS;
        if (gpuLayers != null) {
            s = s.withGpuLayers(gpuLayers).withContextLength(ctx != null ? ctx : contextFor(model));
        } else {
            LoadSettings best = bestFit(model, ctx != null ? ctx : DEFAULT_CONTEXT);
            s = s.withGpuLayers(best == null ? LoadSettings.ALL_LAYERS : best.gpuLayers())
                    .withContextLength(ctx != null ? ctx : best == null ? contextFor(model) : best.contextLength());
        }
        return threads != null ? s.withThreads(threads) : s;
    }

    /// [BestFit] for `model` on this PC asking for `context` tokens; null when the header cannot be read or holds
    /// metadata the load check refuses (the load then fails with that reason, on one line).
    private static LoadSettings bestFit(Path model, int context) {
        GgufFile file;
        try {
            file = GgufReader.read(model);
        } catch (Exception e) {
            return null;
        }
        if (LoadCheck.problem(file).isPresent()) return null;
        Hardware hw = LlamaHardware.probe().snapshot();
        return BestFit.of(file, EstimateOptions.defaults().withContextLength(context), hw).options().load();
    }

    /// The model's training context capped at [#DEFAULT_CONTEXT], read from the GGUF header; the default when the
    /// header cannot tell (llama.cpp will then explain what is wrong with the file).
    private static int contextFor(Path model) {
        try {
            GgufMetadata meta = GgufReader.read(model).metadata();
            long train = meta.integer(meta.arch("context_length")).orElse(DEFAULT_CONTEXT);
            return (int) Math.max(1, Math.min(train, DEFAULT_CONTEXT));
        } catch (Exception e) {
            return DEFAULT_CONTEXT;
        }
    }

    GenerateOptions generateOptions(int maxTokens, List<String> stops) {
        try {
            SamplingParams s = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                    seed == null ? SamplingParams.RANDOM_SEED : seed);
            return new GenerateOptions(maxTokens, s, stops);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
    }

    private static final Logger NATIVE_LOG = Logger.getLogger("llama.cpp");

    /// llama.cpp's own log stays out of the terminal (it would mix with the output and the one-line errors)
    /// unless `KARUKU_DEBUG` is set; errors still reach the user through the exceptions' messages.
    static void quietNativeLog() {
        NATIVE_LOG.setLevel(System.getenv("KARUKU_DEBUG") != null ? Level.ALL : Level.OFF);
    }
}
