package dev.karuku.cli.bench;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;

import dev.karuku.engine.settings.LoadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/// Karuku's side of the benchmark: the same code path the chat uses ([Context#generate]: prompt evaluation,
/// sampling, detokenization and streaming of every piece), greedy, with the prompt ids of [PromptTokens].
/// The KV cache is cleared before every run so each one evaluates the whole prompt.
public final class KarukuBench {

    private KarukuBench() {}

    /// Loads the model, runs `warmup` + `runs` generations and returns the measured runs. `progress` hears one line
    /// per run (for a person watching a slow machine).
    public static EngineResult run(BenchOptions o, Consumer<String> progress) {
        LlamaRuntime llama = LlamaRuntime.load();
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(o.gpuLayers()).withThreads(o.threads())
                .withContextLength(o.contextLength()).withBatch(o.batchSize()).withUbatch(o.batchSize()));
        long t0 = System.nanoTime();
        try (Model model = llama.loadModel(o.model(), load); Context ctx = model.newContext(load)) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            ctx.adaptThreads(o.adaptThreads());
            int[] prompt = PromptTokens.ids(o.promptTokens(), model.info().vocabSize());
            GenerateOptions gen = GenerateOptions.defaults().withMaxTokens(o.tokens()).withSampling(SamplingParams.greedy());
            List<RunSample> samples = new ArrayList<>();
            for (int i = 0; i < o.warmup() + o.runs(); i++) {
                ctx.clear();
                GenerationResult r = ctx.generate(prompt, gen, GenerationListener.NONE, Cancellation.none());
                RunSample s = sample(r.stats());
                boolean warm = i < o.warmup();
                if (!warm) samples.add(s);
                progress.accept(String.format("%s %d: prompt %.1f tok/s, generation %.2f tok/s (%d tokens, %s; %d threads at the end)",
                        warm ? "warm-up" : "run", warm ? i + 1 : i - o.warmup() + 1, s.promptTokensPerSecond(),
                        s.decodeTokensPerSecond(), s.generatedTokens(), r.stopReason(), ctx.generationThreads()));
                if (r.stopReason() != StopReason.MAX_TOKENS) {
                    progress.accept("note: generation stopped early (" + r.stopReason() + "); rates use the tokens made");
                }
            }
            return new EngineResult("karuku", "0.1.0", "llama.cpp v0.4.0 (" + llama.variant() + ")", o.threads(),
                    ctx.size(), o.batchSize(), o.gpuLayers(), loadSeconds,
                    PeakMemory.peakResidentBytes().orElse(-1), samples);
        }
    }

    /// Converts the generator's timings to the benchmark's: time to first token, then from it to the last token.
    static RunSample sample(GenerationStats s) {
        long afterFirst = s.promptNanos() + s.generationNanos() - s.firstTokenNanos();
        return new RunSample(s.promptTokens(), s.firstTokenNanos() / 1e9, s.generatedTokens(), Math.max(0, afterFirst) / 1e9);
    }
}
