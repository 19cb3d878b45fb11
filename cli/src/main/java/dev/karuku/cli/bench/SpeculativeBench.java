package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.ModelLoadException;
import dev.karuku.engine.llama.Speculation;
import dev.karuku.engine.llama.VocabularyMatch;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/// `karuku bench --draft` / `--lookup`: the same generation with and without speculative decoding, in one process and
/// alternating (plain, speculative, then speculative, plain, …) so a drift in the machine's speed falls on both alike.
/// Reports both rates, the speed-up and the acceptance rate (tokens accepted of those proposed).
public final class SpeculativeBench {

    private SpeculativeBench() {}

    /// What one such benchmark measured.
    ///
    /// @param drafted  tokens proposed over the measured speculative runs
    /// @param accepted of which the model accepted
    /// @param passes   the model's passes over the generated tokens in those runs
    public record Result(EngineResult plain, EngineResult speculative, SpeculativeSettings settings, long drafted,
                         long accepted, long passes, long generated) {

        public double acceptanceRate() {
            return drafted == 0 ? 0 : (double) accepted / drafted;
        }

        public double tokensPerPass() {
            return passes == 0 ? 1 : (double) generated / passes;
        }

        /// Speculative generation rate over plain (medians).
        public double speedUp() {
            return speculative.decodeTokensPerSecond() / plain.decodeTokensPerSecond();
        }

        public ObjectNode toJson(ObjectMapper json) {
            ObjectNode o = json.createObjectNode();
            o.put("draft", settings.draft() == null ? null : settings.draft().toString())
                    .put("lookup", settings.lookup()).put("draftMax", settings.draftMax())
                    .put("acceptanceRate", acceptanceRate()).put("draftedTokens", drafted).put("acceptedTokens", accepted)
                    .put("tokensPerPass", tokensPerPass()).put("speedUp", speedUp());
            o.set("plain", plain.toJson(json));
            o.set("speculative", speculative.toJson(json));
            return o;
        }

        public String human() {
            return String.format(Locale.ROOT, """
                    generation  plain %.2f tok/s, speculative %.2f tok/s: %.2f× (medians of %d runs each)
                    proposed    %d tokens, %d accepted (%.1f %%), %.2f tokens per pass of the model
                    prompt      plain %.1f tok/s, speculative %.1f tok/s
                    """, plain.decodeTokensPerSecond(), speculative.decodeTokensPerSecond(), speedUp(), plain.samples().size(),
                    drafted, accepted, 100 * acceptanceRate(), tokensPerPass(), plain.promptTokensPerSecond(),
                    speculative.promptTokensPerSecond());
        }
    }

    /// Loads the model (and the draft model), then runs `warmup` + `runs` rounds of one plain and one speculative
    /// generation after `promptText` (tokenized; null: the benchmark's prompt ids).
    public static Result run(BenchOptions o, SpeculativeSettings s, String promptText, Consumer<String> progress) {
        LlamaRuntime llama = LlamaRuntime.load();
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(o.gpuLayers()).withThreads(o.threads())
                .withContextLength(o.contextLength()).withBatch(o.batchSize()).withUbatch(o.batchSize()));
        long t0 = System.nanoTime();
        try (Model model = llama.loadModel(o.model(), load); Context ctx = model.newContext(load);
             Model draftModel = s.draft() == null ? null : llama.loadModel(s.draft(), load)) {
            Context draft = null;
            if (draftModel != null) {
                Optional<String> problem = VocabularyMatch.problem(model, draftModel);
                if (problem.isPresent()) throw new ModelLoadException(s.draft(), problem.get(), List.of());
                draft = draftModel.newContext(load);
                draft.adaptThreads(o.adaptThreads());
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            ctx.adaptThreads(o.adaptThreads());
            Speculation speculation = Speculation.of(ctx, draft, s);
            int[] prompt = promptText == null ? PromptTokens.ids(o.promptTokens(), model.info().vocabSize())
                    : model.tokenize(promptText, true, false);
            GenerateOptions gen = GenerateOptions.defaults().withMaxTokens(o.tokens()).withSampling(SamplingParams.greedy());
            List<RunSample> plain = new ArrayList<>();
            List<RunSample> spec = new ArrayList<>();
            long drafted = 0, accepted = 0, passes = 0, generated = 0;
            for (int i = 0; i < o.warmup() + o.runs(); i++) {
                boolean warm = i < o.warmup();
                for (int j = 0; j < 2; j++) {
                    boolean speculative = (i + j) % 2 == 1;
                    ctx.clear();
                    if (draft != null) draft.clear();
                    ctx.useSpeculation(speculative ? speculation : null);
                    GenerationResult r = ctx.generate(prompt, gen, GenerationListener.NONE, Cancellation.none());
                    GenerationStats st = r.stats();
                    RunSample sample = KarukuBench.sample(st);
                    if (!warm) {
                        (speculative ? spec : plain).add(sample);
                        if (speculative) {
                            drafted += st.draftedTokens();
                            accepted += st.acceptedTokens();
                            passes += st.modelPasses();
                            generated += st.generatedTokens();
                        }
                    }
                    progress.accept(String.format(Locale.ROOT, "%s %d %s: generation %.2f tok/s (%d tokens, %s)%s",
                            warm ? "warm-up" : "run", warm ? i + 1 : i - o.warmup() + 1, speculative ? "speculative" : "plain",
                            sample.decodeTokensPerSecond(), st.generatedTokens(), r.stopReason(),
                            speculative ? String.format(Locale.ROOT, ", %d of %d proposed accepted", st.acceptedTokens(), st.draftedTokens()) : ""));
                }
            }
            ctx.useSpeculation(null);
            long rss = PeakMemory.peakResidentBytes().orElse(-1);
            String build = "llama.cpp v0.4.0 (" + llama.variant() + ")";
            EngineResult p = new EngineResult("karuku", "0.1.0", build, o.threads(), ctx.size(), o.batchSize(), o.gpuLayers(),
                    loadSeconds, rss, plain);
            EngineResult sp = new EngineResult("karuku speculative", "0.1.0", build, o.threads(), ctx.size(), o.batchSize(),
                    o.gpuLayers(), loadSeconds, rss, spec);
            return new Result(p, sp, s, drafted, accepted, passes, generated);
        }
    }
}
