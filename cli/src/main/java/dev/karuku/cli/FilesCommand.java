package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.QuantChoices;
import dev.karuku.engine.estimate.QuantFile;
import dev.karuku.engine.estimate.QuantStop;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.ModelInfo;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.RemoteGguf;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.LlamaHardware;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/// `karuku files REPO`: the quantizations a repo offers, with their sizes and — from each file's remote header,
/// read by HTTP ranges before anything is downloaded — the memory it needs and whether it fits this machine.
@Command(name = "files", mixinStandardHelpOptions = true, description = "List the GGUF quantizations of a Hub model.")
final class FilesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name, e.g. ggml-org/gemma-3-1b-it-GGUF")
    String repo;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Option(names = "--ctx", paramLabel = "N", description = "context length for the estimate (default: ${DEFAULT-VALUE})")
    int ctx = 4096;

    @Option(names = "--no-estimate", description = "list sizes only; do not read remote headers")
    boolean noEstimate;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var hub = CliEnvironment.hub();
        ModelInfo info = hub.modelInfo(repo);
        String commit = info.sha().orElseThrow(() -> new IllegalStateException("the Hub did not say which version " + repo + " is"));
        GgufRepoFiles files = GgufRepoFiles.group(hub.tree(repo, commit));
        PrintWriter out = spec.commandLine().getOut();
        Map<String, QuantStop> stops = noEstimate ? Map.of() : estimate(hub, commit, files.models());
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode().put("repo", repo).put("commit", commit).put("gated", info.gated().gated());
            add(root.putArray("models"), files.models(), stops);
            add(root.putArray("projectors"), files.projectors(), Map.of());
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else if (files.models().isEmpty()) {
            out.println(repo + " has no GGUF model files.");
        } else {
            out.printf("%-14s %10s %10s %10s  %-13s %7s  %s%n", "QUANT", "SIZE", "RAM", "VRAM", "FIT", "TOK/S", "FILES");
            String def = files.defaultChoice().map(QuantChoice::label).orElse("");
            for (QuantChoice c : files.models()) {
                QuantStop s = stops.get(c.label());
                out.printf("%-14s %10s %10s %10s  %-13s %7s  %s%s%n", c.label(), CliEnvironment.bytes(c.totalBytes()),
                        s == null ? "?" : CliEnvironment.bytes(s.estimate().ramBytes()),
                        s == null ? "?" : CliEnvironment.bytes(s.estimate().vramBytes()),
                        s == null ? "?" : verdictText(s), s == null ? "?" : String.format("%.0f", s.tokensPerSecond()),
                        c.split() ? c.files().size() + " parts: " + c.first().path() + " …" : c.first().path(),
                        (c.label().equals(def) ? "  (default)" : "") + (s != null && s.recommended() ? "  (recommended)" : ""));
            }
            if (!noEstimate) out.printf("Estimates at context %d for this machine.%n", ctx);
            for (QuantChoice c : files.projectors()) {
                out.printf("%-14s %10s  %s%n", "mmproj " + c.label(), CliEnvironment.bytes(c.totalBytes()), c.first().path());
            }
            if (info.gated().gated()) out.println("This model is gated: accept its licence on the Hub and set HF_TOKEN to download it.");
        }
        out.flush();
        return 0;
    }

    /// Reads every quant's header(s) in parallel and turns them into slider stops for this machine.
    private Map<String, QuantStop> estimate(HubClient hub, String commit, List<QuantChoice> choices) throws Exception {
        RemoteGguf remote = new RemoteGguf(hub);
        List<QuantFile> quants = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<QuantFile>> pending = new ArrayList<>();
            for (QuantChoice c : choices) {
                pending.add(pool.submit(() -> new QuantFile(c.label(), remote.headers(repo, commit, c).shards(), c.totalBytes())));
            }
            for (Future<QuantFile> f : pending) quants.add(f.get());
        }
        Map<String, QuantStop> byLabel = new HashMap<>();
        for (QuantStop s : QuantChoices.stops(quants, EstimateOptions.defaults().withContextLength(ctx), hardware())) {
            byLabel.put(s.label(), s);
        }
        return byLabel;
    }

    /// This machine, with its GPUs when llama.cpp's libraries can be loaded, else CPU and RAM only.
    private static Hardware hardware() {
        try {
            return LlamaHardware.probe().snapshot();
        } catch (LlamaException e) {
            return HardwareProbe.withoutGpus().snapshot();
        }
    }

    private static String verdictText(QuantStop s) {
        return switch (s.verdict()) {
            case FITS_ON_GPU -> "fits on GPU";
            case PARTLY_ON_GPU -> "partly on GPU";
            case CPU_ONLY -> "CPU only";
            case DOES_NOT_FIT -> "does not fit";
        };
    }

    private static void add(ArrayNode a, List<QuantChoice> choices, Map<String, QuantStop> stops) {
        for (QuantChoice c : choices) {
            ObjectNode o = a.addObject().put("label", c.label()).put("kind", c.kind().name()).put("bytes", c.totalBytes());
            ArrayNode files = o.putArray("files");
            c.files().forEach(f -> files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256().orElse(null)));
            QuantStop s = stops.get(c.label());
            if (s != null) {
                o.putObject("estimate").put("ramBytes", s.estimate().ramBytes()).put("vramBytes", s.estimate().vramBytes())
                        .put("verdict", s.verdict().name()).put("maxGpuLayers", s.fit().maxGpuLayers())
                        .put("maxContext", s.fit().maxContext()).put("tokensPerSecond", s.tokensPerSecond())
                        .put("recommended", s.recommended()).put("approximate", s.estimate().approximate());
            }
        }
    }
}
