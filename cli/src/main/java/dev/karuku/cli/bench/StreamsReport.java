package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/// The batched case side by side (issue 18): N streams at once through `karuku serve` (HTTP and a worker process),
/// through the same batched completer in process, node-llama-cpp's multi-sequence context, and llama.cpp's own
/// batched step called from C (the ceiling of this build: no binding, no scheduler, no sampling beyond greedy), each
/// the merge of its rounds, with `karuku bench`'s one stream (`Context.generate`) for the server path's overhead.
///
/// @param model        the model's label (`Q4_K_M`)
/// @param engines      per engine its rows, rounds merged (every run's tokens/s in `samples`)
/// @param plain        `karuku bench` on one stream in process, when it ran
/// @param loadAverages the 1-minute load average before each engine's run, in run order
public record StreamsReport(String model, List<BatchedBench> engines, Optional<EngineResult> plain, List<Double> loadAverages) {

    /// Engine names as run.sh's files give them.
    public static final String SERVE = ServerBench.ENGINE;
    public static final String IN_PROCESS = BatchedBench.IN_PROCESS;
    public static final String NODE = "node-llama-cpp";
    public static final String C_STEP = "llama.cpp C, batched step";
    /// The HTTP and worker path may cost this much per token, at most.
    public static final double MAX_OVERHEAD = 0.05;

    public StreamsReport {
        engines = List.copyOf(engines);
        loadAverages = List.copyOf(loadAverages);
    }

    /// One engine's rounds as one: per N every run's tokens/s, their median; the other figures as medians of the
    /// rounds' medians.
    public static BatchedBench merge(List<BatchedBench> rounds) {
        BatchedBench first = rounds.getFirst();
        Map<Integer, List<BatchedBench.Row>> byStreams = new LinkedHashMap<>();
        for (BatchedBench b : rounds) for (BatchedBench.Row r : b.rows()) byStreams.computeIfAbsent(r.streams(), k -> new ArrayList<>()).add(r);
        List<BatchedBench.Row> rows = new ArrayList<>();
        for (var e : byStreams.entrySet()) {
            List<Double> samples = e.getValue().stream().flatMap(r -> r.samples().stream()).toList();
            rows.add(new BatchedBench.Row(e.getKey(), e.getValue().getFirst().promptTokens(),
                    Stats.median(samples.stream().mapToDouble(Double::doubleValue).toArray()),
                    Stats.median(e.getValue().stream().mapToDouble(BatchedBench.Row::timeToFirstTokenMillis).toArray()),
                    (int) Stats.median(e.getValue().stream().mapToDouble(BatchedBench.Row::generatedTokens).toArray()), samples));
        }
        int runs = rounds.stream().mapToInt(BatchedBench::runs).sum();
        return new BatchedBench(first.engine(), first.model(), first.threads(), first.tokens(), runs, rows);
    }

    public Optional<BatchedBench> engine(String name) {
        return engines.stream().filter(e -> e.engine().equals(name)).findFirst();
    }

    double tokensPerSecond(String engine, int streams) {
        return engine(engine).flatMap(e -> e.rows().stream().filter(r -> r.streams() == streams).findFirst())
                .map(BatchedBench.Row::tokensPerSecond).orElse(Double.NaN);
    }

    /// Issue 18's targets, and the server's one stream against the same completer in process (where the overhead
    /// comes from).
    public List<TargetCheck> targets() {
        double serve1 = tokensPerSecond(SERVE, 1);
        double plainTps = plain.map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN);
        return List.of(
                new TargetCheck(model, "karuku serve: 4 streams ≥ " + BatchedBench.TARGET_4_STREAMS + "× the tokens/s of 1",
                        tokensPerSecond(SERVE, 4) / serve1, BatchedBench.TARGET_4_STREAMS),
                new TargetCheck(model, "karuku serve, 1 stream: HTTP + worker cost ≤ 5% per token against `karuku bench` in process",
                        serve1 / plainTps, 1 / (1 + MAX_OVERHEAD)),
                new TargetCheck(model, "karuku serve, 1 stream: against the same batched completer in process (HTTP + worker only)",
                        serve1 / tokensPerSecond(IN_PROCESS, 1), 1 / (1 + MAX_OVERHEAD)),
                new TargetCheck(model, "karuku serve, 4 streams ahead of node-llama-cpp's context with 4 sequences",
                        tokensPerSecond(SERVE, 4) / tokensPerSecond(NODE, 4), 1.0));
    }

    /// Per-token time through the server over that of `reference` in process, minus one: 0.05 = 5% more per token.
    static String overhead(double server, double reference) {
        return Double.isNaN(server) || Double.isNaN(reference) ? "–" : String.format(Locale.ROOT, "%+.1f%%", 100 * (reference / server - 1));
    }

    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%n## Many chats at once: karuku serve, in process, node-llama-cpp, llama.cpp's own step (%s)%n%n", model));
        BatchedBench any = engines.isEmpty() ? null : engines.getFirst();
        if (any != null) {
            s.append(String.format(Locale.ROOT, "%d threads, %d tokens per stream, greedy; each engine a process of its own per round, "
                    + "the rounds in mirrored order; medians of all measured runs (after a warm-up per round and N). Tokens/s "
                    + "together: every stream's tokens after its first over the longest span from a stream's first token to its last. "
                    + "`karuku serve`: an OpenAI-compatible server on loopback with `--parallel N`, the model in a worker process, N "
                    + "clients streaming `/v1/completions` at once. In process: the same batched completer, no HTTP, no worker. "
                    + "node-llama-cpp: `createContext({sequences: N})`, one `evaluate` per sequence at once. llama.cpp C: one "
                    + "`llama_decode` of N tokens (one per sequence) per step and greedy sampling, nothing else: the ceiling of "
                    + "this build.%n%n", any.threads(), any.tokens()));
        }
        TreeSet<Integer> counts = new TreeSet<>();
        for (BatchedBench e : engines) for (BatchedBench.Row r : e.rows()) counts.add(r.streams());
        s.append("| streams |");
        for (BatchedBench e : engines) s.append(' ').append(e.engine()).append(" |");
        s.append("\n|---:|");
        s.append("---:|".repeat(engines.size()));
        s.append('\n');
        for (int n : counts) {
            s.append("| ").append(n).append(" |");
            for (BatchedBench e : engines) {
                double tps = tokensPerSecond(e.engine(), n);
                double one = tokensPerSecond(e.engine(), 1);
                List<Double> samples = e.rows().stream().filter(r -> r.streams() == n).findFirst()
                        .map(BatchedBench.Row::samples).orElse(List.of());
                s.append(Double.isNaN(tps) ? " – |" : String.format(Locale.ROOT, " %.2f tok/s (%.2f×; %.1f–%.1f) |", tps, tps / one,
                        samples.stream().mapToDouble(Double::doubleValue).min().orElse(tps),
                        samples.stream().mapToDouble(Double::doubleValue).max().orElse(tps)));
            }
            s.append('\n');
        }
        s.append("\nEach cell: tokens/s together (against the same engine's one stream; slowest–fastest run).\n");
        plain.ifPresent(p -> s.append(String.format(Locale.ROOT, "%n`karuku bench` in process, one stream (`Context.generate`): "
                + "%.2f tok/s. Through the server one stream costs %s per token against it, %s against the batched completer in "
                + "process.%n", p.decodeTokensPerSecond(), overhead(tokensPerSecond(SERVE, 1), p.decodeTokensPerSecond()),
                overhead(tokensPerSecond(SERVE, 1), tokensPerSecond(IN_PROCESS, 1)))));
        if (!loadAverages.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%n1-minute load average before each engine's run: %.2f–%.2f (median %.2f).%n",
                    loadAverages.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    loadAverages.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    Stats.median(loadAverages.stream().mapToDouble(Double::doubleValue).toArray())));
        }
        s.append("\n| case | target | measured | verdict |\n|---|---|---:|---|\n");
        for (TargetCheck t : targets()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.model(), t.target(),
                    t.measuredAtAll() ? String.format(Locale.ROOT, "%.2f×", t.measured()) : "–", t.verdict()));
        }
        double c1 = tokensPerSecond(C_STEP, 1), c4 = tokensPerSecond(C_STEP, 4);
        if (!Double.isNaN(c1) && !Double.isNaN(c4)) {
            s.append(String.format(Locale.ROOT, "%nThe ceiling: llama.cpp's own batched step makes 4 streams %.2f× one stream here "
                    + "(%.2f against %.2f tok/s); no binding of this build can do more on these threads.%n", c4 / c1, c4, c1));
        }
        return s.toString();
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode().put("model", model);
        ArrayNode es = o.putArray("engines");
        for (BatchedBench e : engines) es.add(e.toJson(json));
        plain.ifPresent(p -> o.set("karukuBench", p.toJson(json)));
        o.set("loadAverages", json.valueToTree(loadAverages));
        ArrayNode ts = o.putArray("targets");
        for (TargetCheck t : targets()) {
            ObjectNode to = ts.addObject().put("case", t.model()).put("target", t.target()).put("required", t.required())
                    .put("verdict", t.verdict());
            if (t.measuredAtAll()) to.put("measured", t.measured());
            else to.putNull("measured");
        }
        return o;
    }
}
