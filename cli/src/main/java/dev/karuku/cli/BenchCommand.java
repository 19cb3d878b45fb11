package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.cli.bench.BandwidthBound;
import dev.karuku.cli.bench.BatchedBench;
import dev.karuku.cli.bench.BenchOptions;
import dev.karuku.cli.bench.EngineResult;
import dev.karuku.cli.bench.KarukuBench;
import dev.karuku.cli.bench.ServerBench;
import dev.karuku.cli.bench.SpeculativeBench;
import dev.karuku.engine.settings.SpeculativeSettings;
import dev.karuku.engine.hardware.MemoryBandwidth;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.CpuInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/// `karuku bench MODEL`: how fast this PC runs a model with Karuku — prompt processing, generation, time to first
/// token, load time and peak memory, as medians of several runs after a warm-up — and how close generation comes
/// to what the memory bandwidth allows. `benchmarks/run.sh` puts the peers beside it.
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt and generation speed, time to first token, load time and peak memory on a model.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "a .gguf model file")
    Path model;

    @Option(names = "--tokens", paramLabel = "N", description = "tokens to generate per run (default ${DEFAULT-VALUE})")
    int tokens = 128;

    @Option(names = "--prompt-tokens", paramLabel = "N", description = "prompt tokens per run (default ${DEFAULT-VALUE})")
    int promptTokens = 256;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: physical cores)")
    Integer threads;

    @Option(names = "--gpu-layers", paramLabel = "N", description = "layers to offload to a GPU, -1 = all (default ${DEFAULT-VALUE})")
    int gpuLayers = 0;

    @Option(names = "--runs", paramLabel = "N", description = "measured runs; the median is reported (default ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--warmup", paramLabel = "N", description = "unmeasured runs first (default ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--batch", paramLabel = "N", description = "prompt tokens per decode call (default ${DEFAULT-VALUE})")
    int batch = 512;

    @Option(names = "--fixed-threads", negatable = false,
            description = "generate every token with --threads threads, as other engines do; by default Karuku uses"
                    + " fewer when other programs keep the cores busy and that is faster")
    boolean fixedThreads;

    @Option(names = "--no-bandwidth", negatable = false,
            description = "skip measuring memory bandwidth (and the bound it gives) after the runs")
    boolean noBandwidth;

    @Option(names = "--streams", paramLabel = "N,N…", split = ",",
            description = "instead: the batched case, N completions at once on the model (e.g. 1,2,4,8), and the"
                    + " tokens/s they reach together")
    int[] streams;

    @Option(names = "--server", negatable = false,
            description = "with --streams: through karuku serve's path instead, an OpenAI-compatible server on this"
                    + " computer with the model in a worker process, N clients streaming at once over HTTP")
    boolean server;
    @Option(names = "--draft", paramLabel = "MODEL", description = "also run with speculative decoding by this draft "
            + "model, alternating with plain runs; prints both rates, the speed-up and the acceptance rate")
    Path draft;

    @Option(names = "--draft-max", paramLabel = "N", description = "the most tokens proposed at a time (default "
            + SpeculativeSettings.DEFAULT_DRAFT_MAX + ")")
    int draftMax = SpeculativeSettings.DEFAULT_DRAFT_MAX;

    @Option(names = "--lookup", description = "also run with speculative decoding by prompt lookup (with --draft: both)")
    boolean lookup;

    @Option(names = "--prompt-text", paramLabel = "TEXT", description = "use this text as the prompt instead of "
            + "--prompt-tokens ids (e.g. one whose answer repeats it, for --lookup)")
    String promptText;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GgufFile gguf = CliErrors.readHeader(model);
        BenchOptions o;
        try {
            o = new BenchOptions(model, promptTokens, tokens, threads == null ? CpuInfo.physicalCores() : threads,
                    gpuLayers, runs, warmup, batch, BenchOptions.contextFor(promptTokens, tokens), !fixedThreads);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (server && streams == null) throw new CliErrors.UsageProblem("--server measures the batched case: give --streams too");
        if (streams != null) return batched(o, out, err);
        if (draft != null || lookup) return speculative(o, out, err);
        if (!json) {
            out.printf(Locale.ROOT, "%s: %s, %s; %d threads, %d GPU layers%n", model.getFileName(), gguf.fileTypeLabel(),
                    InfoCommand.bytes(Files.size(model)), o.threads(), o.gpuLayers());
            out.flush();
        }
        EngineResult r = KarukuBench.run(o, line -> {
            err.println(line);
            err.flush();
        });
        BandwidthBound bound = null;
        MemoryBandwidth.Result bw = null;
        if (!noBandwidth) {
            bw = MemoryBandwidth.measure(o.threads(), 1L << 30, 10);
            bound = BandwidthBound.of(gguf, o.promptTokens(), o.tokens(), bw.gbPerSecond());
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode node = r.toJson(mapper);
            node.put("model", model.toString()).put("fileType", gguf.fileTypeLabel()).put("fileBytes", Files.size(model))
                    .put("vocab", gguf.metadata().array("tokenizer.ggml.tokens").size());
            if (bound != null) {
                node.putObject("bandwidth").put("method", bw.method()).put("threads", bw.threads())
                        .put("gbPerSecond", bw.gbPerSecond()).put("weightBytesPerToken", bound.weightBytesPerToken())
                        .put("kvBytesPerToken", bound.kvBytesPerToken()).put("boundTokensPerSecond", bound.tokensPerSecond())
                        .put("fractionOfBound", r.decodeTokensPerSecond() / bound.tokensPerSecond());
            }
            out.println(mapper.writeValueAsString(node));
        } else {
            out.print(human(r, o, bound, bw));
        }
        out.flush();
        return 0;
    }

    private int speculative(BenchOptions o, PrintWriter out, PrintWriter err) throws Exception {
        SpeculativeSettings s;
        try {
            if (draft != null && !Files.isRegularFile(draft)) throw new CliErrors.UsageProblem("no draft model at " + draft);
            s = new SpeculativeSettings(draft, draftMax, lookup);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        SpeculativeBench.Result r = SpeculativeBench.run(o, s, promptText, line -> {
            err.println(line);
            err.flush();
        });
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode node = r.toJson(mapper);
            node.put("model", model.toString());
            out.println(mapper.writeValueAsString(node));
        } else {
            out.print(r.human());
        }
        out.flush();
        return 0;
    }

    private int batched(BenchOptions o, PrintWriter out, PrintWriter err) throws Exception {
        for (int n : streams) if (n < 1) throw new CliErrors.UsageProblem("--streams must list counts of 1 or more");
        java.util.function.Consumer<String> progress = line -> {
            err.println(line);
            err.flush();
        };
        BatchedBench b = server ? ServerBench.run(o, streams, progress) : BatchedBench.run(o, streams, progress);
        out.println(json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(b.toJson(new ObjectMapper()))
                : b.markdown());
        out.flush();
        return 0;
    }

    private static String human(EngineResult r, BenchOptions o, BandwidthBound bound, MemoryBandwidth.Result bw) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "prompt processing    %8.1f tok/s  (%d tokens)%n", r.promptTokensPerSecond(), o.promptTokens()));
        s.append(String.format(Locale.ROOT, "generation           %8.2f tok/s  (%d tokens)%n", r.decodeTokensPerSecond(), r.generatedTokens()));
        s.append(String.format(Locale.ROOT, "time to first token  %8.0f ms%n", r.timeToFirstTokenMillis()));
        s.append(String.format(Locale.ROOT, "load time            %8.2f s%n", r.loadSeconds()));
        s.append(String.format(Locale.ROOT, "peak memory          %s%n",
                r.peakRssBytes() < 0 ? "unknown on this OS" : InfoCommand.bytes(r.peakRssBytes())));
        s.append(String.format(Locale.ROOT, "(medians of %d runs after %d warm-up; %s)%n", o.runs(), o.warmup(), r.build()));
        if (bound != null) {
            s.append(String.format(Locale.ROOT, "bandwidth bound      %8.2f tok/s  (%s per token / %.1f GB/s measured) -> %.0f%% reached%n",
                    bound.tokensPerSecond(), InfoCommand.bytes(bound.bytesPerToken()), bw.gbPerSecond(),
                    100 * r.decodeTokensPerSecond() / bound.tokensPerSecond()));
        }
        return s.toString();
    }
}
