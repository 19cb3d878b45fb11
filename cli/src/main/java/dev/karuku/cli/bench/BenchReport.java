package dev.karuku.cli.bench;

import dev.karuku.engine.hardware.MemoryBandwidth;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/// The side-by-side report of one benchmark run: the machine, the measured bandwidth, and per model every engine's
/// medians next to the bandwidth bound, then issue 7's targets with a plain "met" / "NOT met" for each.
///
/// [#NATIVE], the benchmark's loop written in C against the same llama.cpp libraries, is a reference like the bound:
/// it shows what is left for any binding of this build. It has a row in the table and no part in the targets, which
/// compare Karuku with what a user could pick instead.
///
/// @param loadAverageAfter 1-minute load average when the last engine finished
/// @param bandwidth        every bandwidth measurement taken; the bound uses the highest (a slower method only
///                         under-measures what the memory can do)
/// @param runs             measured runs per engine and model, over all its rounds
/// @param rounds           processes per engine and model, each with `warmup` unmeasured runs first
public record BenchReport(Machine machine, double loadAverageAfter, List<MemoryBandwidth.Result> bandwidth,
                          int promptTokens, int tokens, int runs, int warmup, int rounds, List<ModelRun> models) {

    public static final String KARUKU = "karuku";
    public static final String NODE = "node-llama-cpp";
    public static final String KHERUD = "de.kherud:llama";
    public static final String NATIVE = "llama.cpp C loop";

    public BenchReport {
        bandwidth = List.copyOf(bandwidth);
        models = List.copyOf(models);
    }

    /// The bandwidth the bound uses: the best of the measurements.
    public static MemoryBandwidth.Result best(List<MemoryBandwidth.Result> results) {
        return results.stream().max((a, b) -> Double.compare(a.gbPerSecond(), b.gbPerSecond()))
                .orElseThrow(() -> new IllegalArgumentException("no bandwidth measurement"));
    }

    public List<TargetCheck> targets() {
        List<TargetCheck> checks = new ArrayList<>();
        for (ModelRun m : models) {
            Optional<EngineResult> k = m.engine(KARUKU);
            double decode = k.map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN);
            double prompt = k.map(EngineResult::promptTokensPerSecond).orElse(Double.NaN);
            checks.add(new TargetCheck(m.label(), "generation ≥ 1.3× node-llama-cpp",
                    decode / m.engine(NODE).map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN), 1.3));
            checks.add(new TargetCheck(m.label(), "generation ≥ 1.2× de.kherud:llama",
                    decode / m.engine(KHERUD).map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN), 1.2));
            checks.add(new TargetCheck(m.label(), "generation ≥ 75% of the bandwidth bound",
                    decode / m.bound().tokensPerSecond(), 0.75));
            double bestPeerPrompt = m.engines().stream().filter(e -> !e.engine().equals(KARUKU) && !e.engine().equals(NATIVE))
                    .mapToDouble(EngineResult::promptTokensPerSecond).max().orElse(Double.NaN);
            checks.add(new TargetCheck(m.label(), "prompt processing not slower than the fastest peer",
                    prompt / bestPeerPrompt, 1.0));
        }
        return checks;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        MemoryBandwidth.Result bw = best(bandwidth);
        md.append("Machine: ").append(machine.cpu()).append(", ").append(machine.physicalCores()).append(" cores, ")
                .append(gib(machine.memoryBytes())).append(" RAM, ").append(machine.os()).append('\n');
        md.append(String.format(Locale.ROOT, "Load average (1 min): %.2f before, %.2f after%s%n%n", machine.loadAverage(),
                loadAverageAfter, quiet() ? "" : " — **the machine was busy: these numbers are provisional**"));
        md.append("Memory read bandwidth (").append(bw.threads()).append(" threads): ");
        List<String> parts = new ArrayList<>();
        for (MemoryBandwidth.Result r : bandwidth) parts.add(String.format(Locale.ROOT, "%.1f GB/s (%s)", r.gbPerSecond(), r.method()));
        md.append(String.join(", ", parts)).append("; the bound uses ").append(bw.method()).append(".\n\n");
        md.append(String.format(Locale.ROOT, "Each engine: %d-token prompt, %d generated tokens, greedy, median of %d runs", promptTokens, tokens, runs));
        if (rounds > 1) {
            md.append(String.format(Locale.ROOT, " in %d processes (rounds) of %d after %d warm-up each; on each model the"
                    + " rounds go in mirrored order (A B C, then C B A), so a drift in the machine's speed falls on every"
                    + " engine alike.%n%n", rounds, Math.ceilDiv(runs, rounds), warmup));
        } else {
            md.append(String.format(Locale.ROOT, " after %d warm-up.%n%n", warmup));
        }
        md.append("| model | engine | prompt tok/s | generation tok/s | vs Karuku | TTFT ms | load s | peak RSS | generation, slowest–fastest run |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ModelRun m : models) {
            double karuku = m.engine(KARUKU).map(EngineResult::decodeTokensPerSecond).orElse(Double.NaN);
            for (EngineResult e : m.engines()) {
                md.append(String.format(Locale.ROOT, "| %s (%s) | %s %s | %.1f | %.2f | %s | %.0f | %.2f | %s | %.1f–%.1f |%n",
                        m.label(), mib(m.fileBytes()), e.engine(), e.version(), e.promptTokensPerSecond(),
                        e.decodeTokensPerSecond(), ratio(karuku, e.decodeTokensPerSecond()), e.timeToFirstTokenMillis(),
                        e.loadSeconds(), e.peakRssBytes() < 0 ? "?" : mib(e.peakRssBytes()),
                        e.slowestDecodeTokensPerSecond(), e.fastestDecodeTokensPerSecond()));
            }
            md.append(String.format(Locale.ROOT, "| %s | bandwidth bound (%s/token ÷ %.1f GB/s) | | %.2f | %s | | | | |%n",
                    m.label(), mib(m.bound().bytesPerToken()), m.bound().gbPerSecond(), m.bound().tokensPerSecond(),
                    ratio(karuku, m.bound().tokensPerSecond())));
        }
        md.append("\n\"vs Karuku\" is Karuku's generation speed divided by that row's. The last column is the spread of"
                + " the runs behind each median: where two engines' spreads overlap, their order can change from run to run.\n\n");
        md.append("| model | target | measured | verdict |\n|---|---|---:|---|\n");
        for (TargetCheck t : targets()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.model(), t.target(),
                    t.measuredAtAll() ? String.format(Locale.ROOT, "%.2f×", t.measured()) : "–", t.verdict()));
        }
        return md.toString();
    }

    /// Below 0.5 the machine counts as quiet enough for recorded numbers.
    public boolean quiet() {
        return machine.loadAverage() >= 0 && machine.loadAverage() < 0.5;
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.set("machine", machine.toJson(json));
        o.put("loadAverageAfter", loadAverageAfter).put("quiet", quiet());
        ArrayNode bws = o.putArray("bandwidth");
        for (MemoryBandwidth.Result r : bandwidth) {
            bws.addObject().put("method", r.method()).put("threads", r.threads()).put("bytes", r.bytes())
                    .put("passes", r.passes()).put("gbPerSecond", r.gbPerSecond());
        }
        o.putObject("settings").put("promptTokens", promptTokens).put("tokens", tokens).put("runs", runs).put("warmup", warmup).put("rounds", rounds);
        ArrayNode ms = o.putArray("models");
        for (ModelRun m : models) {
            ObjectNode mo = ms.addObject().put("label", m.label()).put("fileBytes", m.fileBytes());
            mo.putObject("bound").put("weightBytesPerToken", m.bound().weightBytesPerToken())
                    .put("kvBytesPerToken", m.bound().kvBytesPerToken()).put("gbPerSecond", m.bound().gbPerSecond())
                    .put("tokensPerSecond", m.bound().tokensPerSecond());
            ArrayNode es = mo.putArray("engines");
            for (EngineResult e : m.engines()) es.add(e.toJson(json));
        }
        ArrayNode ts = o.putArray("targets");
        for (TargetCheck t : targets()) {
            ObjectNode to = ts.addObject().put("model", t.model()).put("target", t.target()).put("required", t.required())
                    .put("verdict", t.verdict());
            if (t.measuredAtAll()) to.put("measured", t.measured());
            else to.putNull("measured");
        }
        return o;
    }

    private static String ratio(double karuku, double other) {
        return Double.isNaN(karuku) || Double.isNaN(other) || other <= 0 ? "–" : String.format(Locale.ROOT, "%.2f×", karuku / other);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }
}
