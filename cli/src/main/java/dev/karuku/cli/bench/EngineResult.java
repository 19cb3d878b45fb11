package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/// One engine's measurements on one model: the per-run samples and the medians reported from them. Karuku's own
/// `bench --json` and the peers' harnesses write this same JSON shape, so the report reads them all alike.
///
/// @param engine       `karuku`, `node-llama-cpp`, `de.kherud:llama`, or the reference `llama.cpp C loop`
/// @param version      the engine's version
/// @param build        which llama.cpp it runs (variant or release)
/// @param loadSeconds  model load plus context creation
/// @param peakRssBytes the process's peak resident memory, -1 when unknown (see [PeakMemory])
public record EngineResult(String engine, String version, String build, int threads, int contextSize, int batchSize,
                           int gpuLayers, double loadSeconds, long peakRssBytes, List<RunSample> samples) {

    public EngineResult {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) throw new IllegalArgumentException(engine + ": no measured runs");
    }

    public double promptTokensPerSecond() {
        return Stats.median(samples.stream().mapToDouble(RunSample::promptTokensPerSecond).toArray());
    }

    public double decodeTokensPerSecond() {
        return Stats.median(samples.stream().mapToDouble(RunSample::decodeTokensPerSecond).toArray());
    }

    /// The slowest run's generation rate.
    public double slowestDecodeTokensPerSecond() {
        return samples.stream().mapToDouble(RunSample::decodeTokensPerSecond).min().orElse(Double.NaN);
    }

    /// The fastest run's generation rate.
    public double fastestDecodeTokensPerSecond() {
        return samples.stream().mapToDouble(RunSample::decodeTokensPerSecond).max().orElse(Double.NaN);
    }

    public double timeToFirstTokenMillis() {
        return Stats.median(samples.stream().mapToDouble(s -> s.ttftSeconds() * 1000).toArray());
    }

    /// Tokens per run (the median), to tell when an engine stopped short of what was asked.
    public int generatedTokens() {
        return (int) Stats.median(samples.stream().mapToDouble(RunSample::generatedTokens).toArray());
    }

    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode()
                .put("engine", engine).put("version", version).put("build", build)
                .put("threads", threads).put("contextSize", contextSize).put("batchSize", batchSize)
                .put("gpuLayers", gpuLayers).put("loadSeconds", loadSeconds).put("peakRssBytes", peakRssBytes)
                .put("promptTokensPerSecond", promptTokensPerSecond())
                .put("decodeTokensPerSecond", decodeTokensPerSecond())
                .put("timeToFirstTokenMillis", timeToFirstTokenMillis())
                .put("generatedTokens", generatedTokens());
        ArrayNode runs = o.putArray("samples");
        for (RunSample s : samples) {
            runs.addObject().put("promptTokens", s.promptTokens()).put("ttftSeconds", s.ttftSeconds())
                    .put("generatedTokens", s.generatedTokens()).put("decodeSeconds", s.decodeSeconds());
        }
        return o;
    }

    /// One engine's rounds on one model (separate processes, see `benchmarks/run.sh`) as one result: every round's
    /// samples, so the medians are taken over all runs; the median load time; the highest peak memory. The other
    /// settings are the first round's.
    ///
    /// @throws IllegalArgumentException when the rounds are not all the same engine
    public static EngineResult merge(List<EngineResult> rounds) {
        if (rounds.isEmpty()) throw new IllegalArgumentException("no rounds to merge");
        EngineResult first = rounds.getFirst();
        if (rounds.size() == 1) return first;
        List<RunSample> samples = new ArrayList<>();
        for (EngineResult r : rounds) {
            if (!r.engine().equals(first.engine()))
                throw new IllegalArgumentException("rounds of different engines: " + first.engine() + ", " + r.engine());
            samples.addAll(r.samples());
        }
        return new EngineResult(first.engine(), first.version(), first.build(), first.threads(), first.contextSize(),
                first.batchSize(), first.gpuLayers(), Stats.median(rounds.stream().mapToDouble(EngineResult::loadSeconds).toArray()),
                rounds.stream().mapToLong(EngineResult::peakRssBytes).max().orElse(-1), samples);
    }

    /// Reads the shape [#toJson] writes; the medians are recomputed from the samples, never trusted.
    public static EngineResult fromJson(JsonNode o) {
        List<RunSample> samples = new ArrayList<>();
        for (JsonNode s : o.path("samples")) {
            samples.add(new RunSample(s.path("promptTokens").asInt(), s.path("ttftSeconds").asDouble(),
                    s.path("generatedTokens").asInt(), s.path("decodeSeconds").asDouble()));
        }
        String build = o.hasNonNull("build") ? o.get("build").asText() : o.path("llamaCpp").asText("");
        return new EngineResult(o.path("engine").asText("?"), o.path("version").asText(""), build,
                o.path("threads").asInt(), o.path("contextSize").asInt(), o.path("batchSize").asInt(),
                o.path("gpuLayers").asInt(), o.path("loadSeconds").asDouble(), o.path("peakRssBytes").asLong(-1), samples);
    }
}
