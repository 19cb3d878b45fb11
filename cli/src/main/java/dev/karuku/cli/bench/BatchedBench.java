package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.batch.BatchedCompleter;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/// The batched case (issue 18): `N` completions at once on one model, for each N asked, and the aggregate generation
/// speed they reach together. Each run submits N short prompts at the same moment (all evaluated in the first step)
/// and counts every token after each stream's first over the time from the first to the last token: generation, one
/// `llama_decode` per step for every stream, so the weights are read once per step however many streams share it.
///
/// [#run] measures [BatchedCompleter] in this process (`--parallel N`); [ServerBench] the same through `karuku
/// serve`'s path (HTTP and a worker process); `benchmarks/run.sh` adds node-llama-cpp's multi-sequence context and
/// llama.cpp's own batched step in C in this shape, and [StreamsReport] puts them side by side.
///
/// @param engine       who ran the streams (`karuku`, `karuku serve`, `node-llama-cpp` …)
/// @param model        the file's name
/// @param threads      threads of every decode
/// @param tokens       tokens each stream generates per run (greedy)
/// @param runs         measured runs per N (the median is reported), after one warm-up
/// @param rows         one per N, in the order asked
public record BatchedBench(String engine, String model, int threads, int tokens, int runs, List<Row> rows) {

    /// The target of issue 18: 4 streams together at least this many times the tokens/s of one.
    public static final double TARGET_4_STREAMS = 2.5;
    /// The name [#run] reports.
    public static final String IN_PROCESS = "karuku";

    /// One N: the medians over its runs.
    ///
    /// @param streams               completions running together
    /// @param promptTokens          tokens of one stream's prompt
    /// @param tokensPerSecond       every stream's tokens after its first, over the time from first to last token
    /// @param timeToFirstTokenMillis  from submitting to a stream's first token (median over streams and runs)
    /// @param generatedTokens       tokens all streams generated in one run after their first (less than
    ///                              streams × (tokens - 1) when one met an end-of-generation token)
    /// @param samples               tokens/s of each measured run
    public record Row(int streams, int promptTokens, double tokensPerSecond, double timeToFirstTokenMillis,
                      int generatedTokens, List<Double> samples) {
        public Row {
            samples = List.copyOf(samples);
        }
    }

    public BatchedBench {
        rows = List.copyOf(rows);
    }

    /// What one run of N streams gave: its prompt size, the time from the streams' first tokens to their last (the
    /// longest span of one stream: they run in step), tokens after each stream's first, the median time to a first
    /// token, and whether a stream ended before its token count.
    record Run(int promptTokens, long nanos, int generated, double ttftMillis, boolean early) {
        double tokensPerSecond() {
            return generated * 1e9 / nanos;
        }
    }

    /// Runs N streams at once, as often as asked, on something already loaded.
    interface Streams extends AutoCloseable {
        Run once(int tokens) throws Exception;

        @Override
        void close();
    }

    /// Loads `o.model()` once and measures each of `streams` with `o.tokens()` tokens per stream through
    /// [BatchedCompleter] in this process; `progress` hears one line per run.
    public static BatchedBench run(BenchOptions o, int[] streams, Consumer<String> progress) {
        LoadOptions load = loadOptions(o);
        try (Model model = LlamaRuntime.load().loadModel(o.model(), load)) {
            return measure(IN_PROCESS, o, streams, progress, n -> {
                BatchedCompleter c = BatchedCompleter.open(model, load, n, 0);
                return new Streams() {
                    @Override public Run once(int tokens) { return BatchedBench.once(c, n, tokens); }
                    @Override public void close() { c.close(); }
                };
            });
        }
    }

    /// The load options of every batched engine of Karuku: context for a short prompt and the tokens, per sequence.
    static LoadOptions loadOptions(BenchOptions o) {
        return LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(o.gpuLayers()).withThreads(o.threads())
                .withContextLength(BenchOptions.contextFor(64, o.tokens())).withBatch(o.batchSize())
                .withUbatch(o.batchSize()));
    }

    /// For each N of `streams`: opens N streams, runs them `o.warmup()` times unmeasured, then `o.runs()` times.
    static BatchedBench measure(String engine, BenchOptions o, int[] streams, Consumer<String> progress,
                                IntFunction<Streams> open) {
        List<Row> rows = new ArrayList<>();
        for (int n : streams) {
            List<double[]> samples = new ArrayList<>(); // tokens/s, ttft ms, tokens
            int promptTokens = 0;
            try (Streams s = open.apply(n)) {
                for (int run = 0; run < o.warmup() + o.runs(); run++) {
                    Run r = s.once(o.tokens());
                    promptTokens = r.promptTokens;
                    boolean warm = run < o.warmup();
                    if (!warm) samples.add(new double[]{r.tokensPerSecond(), r.ttftMillis, r.generated});
                    progress.accept(String.format(Locale.ROOT, "%s, %d streams, %s %d: %.2f tok/s together (%d tokens%s)",
                            engine, n, warm ? "warm-up" : "run", warm ? run + 1 : run - o.warmup() + 1, r.tokensPerSecond(),
                            r.generated, r.early ? ", some stopped early" : ""));
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(engine + ", " + n + " streams: " + e.getMessage(), e);
            }
            rows.add(new Row(n, promptTokens, median(samples, 0), median(samples, 1), (int) median(samples, 2),
                    samples.stream().map(x -> x[0]).toList()));
        }
        return new BatchedBench(engine, o.model().getFileName().toString(), o.threads(), o.tokens(), o.runs(), rows);
    }

    private static Run once(BatchedCompleter c, int n, int tokens) {
        List<CompletableFuture<CompletionResult>> done = new ArrayList<>();
        GenerateOptions gen = new GenerateOptions(tokens, SamplingParams.greedy(), List.of());
        for (int i = 0; i < n; i++) {
            CompletableFuture<CompletionResult> f = new CompletableFuture<>();
            c.submit(CompletionRequest.text("bench", prompt(i), gen), new CompletionListener() {
                @Override public void onText(String piece) {}
                @Override public void onComplete(CompletionResult result) { f.complete(result); }
                @Override public void onError(ServeException error) { f.completeExceptionally(error); }
            });
            done.add(f);
        }
        List<CompletionResult> results = done.stream().map(CompletableFuture::join).toList();
        // From each stream's first token to its last, as KarukuBench times generation; the streams run in step, so
        // the longest of these spans is the time in which all their later tokens were made.
        long nanos = Math.max(1, results.stream()
                .mapToLong(r -> r.stats().promptNanos() + r.stats().generationNanos() - r.stats().firstTokenNanos())
                .max().orElse(1));
        int generated = results.stream().mapToInt(r -> Math.max(0, r.stats().generatedTokens() - 1)).sum();
        double ttft = Stats.median(results.stream().mapToDouble(r -> r.stats().firstTokenNanos() / 1e6).toArray());
        boolean early = results.stream().anyMatch(r -> r.reason() != StopReason.MAX_TOKENS);
        return new Run(results.getFirst().stats().promptTokens(), nanos, generated, ttft, early);
    }

    /// A different short prompt per stream, so no two streams decode the same text.
    static String prompt(int stream) {
        return "Stream " + stream + ": once upon a time, in a village by the sea, there lived a" + " very".repeat(stream % 5);
    }

    private static double median(List<double[]> samples, int i) {
        return Stats.median(samples.stream().mapToDouble(s -> s[i]).toArray());
    }

    /// Streams' tokens/s over one stream's.
    public double speedup(int streams) {
        double one = rows.stream().filter(r -> r.streams() == 1).mapToDouble(Row::tokensPerSecond).findFirst().orElse(Double.NaN);
        return rows.stream().filter(r -> r.streams() == streams).mapToDouble(r -> r.tokensPerSecond() / one)
                .findFirst().orElse(Double.NaN);
    }

    public TargetCheck target() {
        return new TargetCheck(model, "4 streams at least " + TARGET_4_STREAMS + "x the tokens/s of 1", speedup(4), TARGET_4_STREAMS);
    }

    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("\n## Many chats at once (continuous batching): ").append(engine).append("\n\n");
        s.append(String.format(Locale.ROOT, "%s, %d threads, %d tokens per stream, greedy; medians of %d runs after a warm-up. "
                + "N streams share one context (`--parallel N`) and every step decodes all of them in one call; tokens/s counts "
                + "every stream's tokens after its first over the time from the first token to the last (prompts excluded, "
                + "as in the rows above).%n%n", model, threads, tokens, runs));
        s.append("| streams | tokens/s together | per stream | vs 1 stream | time to first token | tokens |\n");
        s.append("|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2fx | %.0f ms | %d |%n", r.streams(), r.tokensPerSecond(),
                    r.tokensPerSecond() / r.streams(), speedup(r.streams()), r.timeToFirstTokenMillis(), r.generatedTokens()));
        }
        TargetCheck t = target();
        s.append(String.format(Locale.ROOT, "%nTarget: %s — measured %.2fx: %s.%n", t.target(), t.measured(), t.verdict()));
        return s.toString();
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode().put("engine", engine).put("model", model).put("threads", threads)
                .put("tokens", tokens).put("runs", runs);
        ArrayNode a = o.putArray("rows");
        for (Row r : rows) {
            a.addObject().put("streams", r.streams()).put("promptTokens", r.promptTokens())
                    .put("tokensPerSecond", r.tokensPerSecond()).put("timeToFirstTokenMillis", r.timeToFirstTokenMillis())
                    .put("generatedTokens", r.generatedTokens()).put("speedup", speedup(r.streams()))
                    .set("samples", json.valueToTree(r.samples()));
        }
        return o;
    }

    public static BatchedBench fromJson(JsonNode o) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            List<Double> samples = new ArrayList<>();
            for (JsonNode x : r.path("samples")) samples.add(x.asDouble());
            if (samples.isEmpty()) samples.add(r.path("tokensPerSecond").asDouble());
            rows.add(new Row(r.path("streams").asInt(), r.path("promptTokens").asInt(), r.path("tokensPerSecond").asDouble(),
                    r.path("timeToFirstTokenMillis").asDouble(), r.path("generatedTokens").asInt(), samples));
        }
        return new BatchedBench(o.path("engine").asText(IN_PROCESS), o.path("model").asText(), o.path("threads").asInt(),
                o.path("tokens").asInt(), o.path("runs").asInt(), rows);
    }
}
