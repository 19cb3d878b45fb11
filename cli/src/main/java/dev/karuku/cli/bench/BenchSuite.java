package dev.karuku.cli.bench;

import dev.karuku.engine.hardware.MemoryBandwidth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.LlamaRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The steps of `benchmarks/run.sh` that need the engine, as one developer tool (not part of the `karuku` CLI):
///
/// - `prepare DIR TYPE…` writes the Llama-3.2-1B-shape model (tied embeddings, random F16 weights) with our GGUF
///   writer and quantizes it with the engine to each TYPE (`Q4_K_M` …); files already there are kept.
/// - `machine` prints the machine and its load average now (taken before the runs).
/// - `bandwidth THREADS` prints the Java bandwidth measurement.
/// - `report DIR PROMPT_TOKENS TOKENS RUNS WARMUP [ROUNDS]` reads what the run wrote under DIR and writes
///   `DIR/benchmarks.md` and `DIR/benchmarks.json`; RUNS counts every engine's measured runs over its ROUNDS
///   processes (default 1). The busy-CPU case, when `run.sh` ran it (`DIR/busy/`), is appended ([BusyReport]),
///   and so is the batched case (`DIR/streams/`, [StreamsReport]).
public final class BenchSuite {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchSuite() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) usage();
        switch (args[0]) {
            case "prepare" -> prepare(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
            case "machine" -> System.out.println(JSON.writeValueAsString(Machine.current().toJson(JSON)));
            case "bandwidth" -> {
                MemoryBandwidth.Result r = MemoryBandwidth.measure(Integer.parseInt(args[1]), 1L << 30, 10);
                System.out.println(JSON.writeValueAsString(JSON.valueToTree(r)));
            }
            case "report" -> {
                BenchReport report = read(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), Integer.parseInt(args[5]), args.length > 6 ? Integer.parseInt(args[6]) : 1);
                Optional<BusyReport> busy = readBusy(Path.of(args[1], "busy"));
                Optional<StreamsReport> streams = readStreams(Path.of(args[1], "streams"));
                String md = report.markdown() + busy.map(BusyReport::markdown).orElse("")
                        + streams.map(StreamsReport::markdown).orElse("");
                var json = report.toJson(JSON);
                busy.ifPresent(b -> json.set("busy", b.toJson(JSON)));
                streams.ifPresent(b -> json.set("streams", b.toJson(JSON)));
                Files.writeString(Path.of(args[1], "benchmarks.md"), md);
                Files.writeString(Path.of(args[1], "benchmarks.json"), JSON.writeValueAsString(json));
                System.out.print(md);
            }
            case "speculative-report" -> {
                String md = SpeculativeReport.markdown(Path.of(args[1]));
                Files.writeString(Path.of(args[1], "speculative.md"), md);
                System.out.print(md);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: BenchSuite prepare DIR TYPE… | machine | bandwidth THREADS | report DIR P N RUNS WARMUP [ROUNDS] | speculative-report DIR");
        System.exit(2);
    }

    static void prepare(Path dir, String[] types) throws IOException {
        Files.createDirectories(dir);
        Path f16 = dir.resolve("llama-1b-shape-F16.gguf");
        boolean allThere = Arrays.stream(types).allMatch(t -> FileType.fromLabel(t)
                .map(type -> Files.exists(dir.resolve("llama-1b-shape-" + type.label() + ".gguf"))).orElse(false));
        if (!Files.exists(f16) && !allThere) { // the F16 source is only needed to quantize what is missing
            System.err.println("writing " + f16 + " (Llama-3.2-1B shape, random weights)");
            TestModels.write(f16, ModelShape.llama1b(true), GgmlType.F16);
        }
        for (String t : types) {
            FileType type = FileType.fromLabel(t).orElseThrow(() -> new IllegalArgumentException("unknown type " + t));
            Path out = dir.resolve("llama-1b-shape-" + type.label() + ".gguf");
            if (Files.exists(out)) continue;
            System.err.println("quantizing to " + type.label());
            LlamaRuntime.load().quantize(f16, out, type, CpuInfo.physicalCores(), null);
        }
    }

    /// DIR holds `machine.json`, `bandwidth-*.json`, and one folder per model label with the engines' JSON files
    /// and a `model` file naming the GGUF it ran on.
    static BenchReport read(Path dir, int promptTokens, int tokens, int runs, int warmup, int rounds) throws IOException, dev.karuku.engine.gguf.GgufException {
        Machine machine = Machine.fromJson(JSON.readTree(dir.resolve("machine.json").toFile()));
        List<MemoryBandwidth.Result> bandwidth = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().matches("bandwidth-.*\\.json")).sorted().toList()) {
                JsonNode b = JSON.readTree(p.toFile());
                bandwidth.add(new MemoryBandwidth.Result(b.path("method").asText(), b.path("threads").asInt(),
                        b.path("bytes").asLong(), b.path("passes").asInt(), b.path("gbPerSecond").asDouble()));
            }
        }
        double gbs = BenchReport.best(bandwidth).gbPerSecond();
        Map<String, Path> modelDirs = new TreeMap<>();
        try (var files = Files.list(dir)) {
            files.filter(p -> Files.isRegularFile(p.resolve("model"))).forEach(p -> modelDirs.put(p.getFileName().toString(), p));
        }
        List<ModelRun> models = new ArrayList<>();
        for (var e : modelDirs.entrySet()) {
            Path gguf = Path.of(Files.readString(e.getValue().resolve("model")).strip());
            List<EngineResult> engines = new ArrayList<>();
            for (String name : List.of("karuku", "llama-cpp-c", "node-llama-cpp", "de.kherud-llama")) {
                List<EngineResult> found = rounds(e.getValue(), name);
                if (!found.isEmpty()) engines.add(EngineResult.merge(found));
            }
            models.add(new ModelRun(e.getKey(), Files.size(gguf),
                    BandwidthBound.of(GgufReader.read(gguf), promptTokens, tokens, gbs), engines));
        }
        return new BenchReport(machine, Machine.currentLoadAverage(), bandwidth, promptTokens, tokens, runs, warmup, rounds, models);
    }

    /// The busy-CPU case: `DIR` holds one folder per busy-core count, each with `model` (the GGUF), `cores`,
    /// `loadavg` (as the case ended) and the engines' round files (`karuku`, `karuku-fixed`,
    /// `karuku-one`, `node-llama-cpp`).
    static Optional<BusyReport> readBusy(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        List<BusyReport.Case> cases = new ArrayList<>();
        String model = "";
        try (var files = Files.list(dir)) {
            for (Path c : files.filter(p -> Files.isRegularFile(p.resolve("cores"))).toList()) {
                model = label(Path.of(Files.readString(c.resolve("model")).strip()));
                List<EngineResult> engines = new ArrayList<>();
                for (String[] e : new String[][] {{"karuku", BusyReport.KARUKU}, {"karuku-fixed", BusyReport.KARUKU_FIXED},
                        {"karuku-one", BusyReport.KARUKU_ONE},
                        {"node-llama-cpp", BusyReport.NODE}}) {
                    List<EngineResult> found = rounds(c, e[0]);
                    if (!found.isEmpty()) engines.add(named(EngineResult.merge(found), e[1]));
                }
                Path load = c.resolve("loadavg");
                double after = Files.exists(load) ? Double.parseDouble(Files.readString(load).strip().split("\\s+")[0]) : -1;
                cases.add(new BusyReport.Case(Integer.parseInt(Files.readString(c.resolve("cores")).strip()), after, engines));
            }
        }
        if (cases.isEmpty()) return Optional.empty();
        cases.sort(java.util.Comparator.comparingInt(BusyReport.Case::busyCores));
        return Optional.of(new BusyReport(model, cases));
    }

    /// The batched case: `DIR` holds `gguf` (the model file's path), each engine's rounds in the shape of `karuku bench --streams
    /// --json` (`karuku-serve`, `karuku-batched`, `node-llama-cpp`, `llama-cpp-c`), `karuku bench`'s one stream
    /// (`karuku.roundR.json`) and `loadavg` (a 1-minute load average per line, one before each engine's run).
    static Optional<StreamsReport> readStreams(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("gguf"))) return Optional.empty();
        List<BatchedBench> engines = new ArrayList<>();
        for (String name : List.of("karuku-serve", "karuku-batched", "node-llama-cpp", "llama-cpp-c")) {
            List<BatchedBench> found = new ArrayList<>();
            for (Path p : roundFiles(dir, name)) found.add(BatchedBench.fromJson(JSON.readTree(p.toFile())));
            if (!found.isEmpty()) engines.add(StreamsReport.merge(found));
        }
        List<EngineResult> plain = rounds(dir, "karuku");
        List<Double> loads = new ArrayList<>();
        Path load = dir.resolve("loadavg");
        if (Files.isRegularFile(load)) {
            for (String line : Files.readAllLines(load)) if (!line.isBlank()) loads.add(Double.parseDouble(line.strip().split("\\s+")[0]));
        }
        if (engines.isEmpty()) return Optional.empty();
        return Optional.of(new StreamsReport(label(Path.of(Files.readString(dir.resolve("gguf")).strip())), engines,
                plain.isEmpty() ? Optional.empty() : Optional.of(EngineResult.merge(plain)), loads));
    }

    /// `llama-1b-shape-Q4_K_M.gguf` → `Q4_K_M`.
    private static String label(Path gguf) {
        String name = gguf.getFileName().toString().replaceFirst("\\.gguf$", "");
        return name.substring(name.lastIndexOf('-') + 1);
    }

    private static EngineResult named(EngineResult r, String engine) {
        return new EngineResult(engine, r.version(), r.build(), r.threads(), r.contextSize(), r.batchSize(), r.gpuLayers(),
                r.loadSeconds(), r.peakRssBytes(), r.samples());
    }

    /// An engine's results in a model's folder, in round order: `NAME.round1.json`, `NAME.round2.json` … as
    /// `run.sh` writes them, or a single `NAME.json` (runs recorded before rounds). A round that failed left an
    /// empty file and is skipped.
    static List<EngineResult> rounds(Path modelDir, String name) throws IOException {
        List<EngineResult> rounds = new ArrayList<>();
        for (Path p : roundFiles(modelDir, name)) rounds.add(EngineResult.fromJson(JSON.readTree(p.toFile())));
        return rounds;
    }

    /// `NAME.round1.json`, `NAME.round2.json` … (or `NAME.json`) in round order, empty ones (a failed run) left out.
    static List<Path> roundFiles(Path modelDir, String name) throws IOException {
        Pattern file = Pattern.compile(Pattern.quote(name) + "(?:\\.round(\\d+))?\\.json");
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (var files = Files.list(modelDir)) {
            for (Path p : files.toList()) {
                Matcher m = file.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p) && Files.size(p) > 0)
                    found.put(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)), p);
            }
        }
        return List.copyOf(found.values());
    }
}
