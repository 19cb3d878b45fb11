package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.karuku.engine.estimate.DeviceBytes;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.Fit;
import dev.karuku.engine.estimate.MemoryEstimate;
import dev.karuku.engine.estimate.MemoryEstimator;
import dev.karuku.engine.estimate.PartError;
import dev.karuku.engine.estimate.SpeedEstimate;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.FlashAttention;
import dev.karuku.engine.settings.KvCacheType;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.verify.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/// `karuku estimate MODEL`: RAM and VRAM the model needs on this machine, read from its header only;
/// `--verify` loads it for real and compares with llama.cpp's own buffer sizes.
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Estimate RAM and VRAM for a GGUF model (from its header) and whether it fits this PC.")
final class EstimateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file")
    Path model;

    @Option(names = "--ctx", paramLabel = "N", description = "context length (0 = the model's training context; default ${DEFAULT-VALUE})", defaultValue = "4096")
    int ctx;

    @Option(names = {"--gpu-layers", "-ngl"}, paramLabel = "N", description = "units offloaded to the GPU, 0…layers+1; -1 = all (default ${DEFAULT-VALUE})", defaultValue = "-1")
    int gpuLayers;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = "KV cache type: f16, q8_0, q4_0 (default ${DEFAULT-VALUE})", defaultValue = "f16")
    String kvType;

    @Option(names = "--flash-attn", paramLabel = "MODE", description = "on, off or auto (default ${DEFAULT-VALUE})", defaultValue = "auto")
    String flashAttn;

    @Option(names = "--ubatch", paramLabel = "N", description = "physical batch size (default ${DEFAULT-VALUE})", defaultValue = "512")
    int ubatch;

    @Option(names = "--batch", paramLabel = "N", description = "logical batch size (default ${DEFAULT-VALUE})", defaultValue = "2048")
    int batch;

    @Option(names = "--no-mmap", description = "read the file into RAM instead of mapping it")
    boolean noMmap;

    @Option(names = "--cpu-only", description = "ignore GPUs (no native libraries are loaded)")
    boolean cpuOnly;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--verify", description = "load the model with these options and compare with llama.cpp's buffer sizes")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        EstimateOptions o;
        try {
            o = EstimateOptions.of(new LoadSettings(gpuLayers, ctx, KvCacheType.parse(kvType), FlashAttention.parse(flashAttn),
                    LoadSettings.AUTO_THREADS, LoadSettings.AUTO_THREADS, Math.max(batch, ubatch), ubatch, !noMmap));
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        GgufFile file = CliErrors.readHeader(model);
        // --verify loads llama.cpp anyway, so even with --cpu-only its CPU backend describes itself.
        HardwareProbe probe = !cpuOnly ? LlamaHardware.probe()
                : verify ? LlamaHardware.cpuOnlyProbe() : HardwareProbe.withoutGpus();
        Hardware hw = probe.snapshot();
        if (cpuOnly) o = o.withGpuLayers(0);
        MemoryEstimate e = MemoryEstimator.estimate(file, o, hw);
        Fit fit = Fit.of(file, o, hw);
        double tps = SpeedEstimate.tokensPerSecond(file, e, hw);
        List<PartError> errors = verify ? Verifier.verify(model, o, hw).errors() : List.of();
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(json(file, e, fit, tps, hw, errors));
        else EstimateText.print(out, model, file, e, fit, tps, hw, errors);
        out.flush();
        return 0;
    }

    private String json(GgufFile file, MemoryEstimate e, Fit fit, double tps, Hardware hw, List<PartError> errors) throws Exception {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("architecture", file.architecture().orElse("unknown"));
        j.put("fileType", file.fileTypeLabel());
        j.put("layers", e.layers());
        j.put("gpuLayers", e.gpuLayers());
        j.put("contextLength", e.contextLength());
        j.put("flashAttention", e.flashAttention());
        j.put("weightsBytes", sides(e.weights()));
        j.put("kvBytes", sides(e.kv()));
        j.put("computeBytes", sides(e.compute()));
        j.put("outputBytes", e.outputBytes());
        j.put("overheadBytes", sides(e.overhead()));
        j.put("repackBytes", e.repackBytes());
        j.put("fileBackedBytes", e.fileBackedBytes());
        j.put("ramBytes", e.ramBytes());
        j.put("vramBytes", e.vramBytes());
        j.put("maxGpuLayers", fit.maxGpuLayers());
        j.put("maxContext", fit.maxContext());
        j.put("verdict", fit.verdict().name());
        j.put("approximate", e.approximate());
        j.put("approximateReasons", e.reasons());
        j.put("tokensPerSecond", Math.round(tps * 10) / 10.0);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("totalRamBytes", hw.totalRamBytes());
        h.put("availableRamBytes", hw.availableRamBytes());
        h.put("physicalCores", hw.physicalCores());
        h.put("unifiedMemory", hw.unifiedMemory());
        h.put("gpus", hw.gpus());
        h.put("cpuExtraBufferTypes", hw.cpu().extraBufferTypes());
        j.put("hardware", h);
        if (!errors.isEmpty()) {
            Map<String, Object> measured = new LinkedHashMap<>(), pct = new LinkedHashMap<>();
            for (PartError p : errors) {
                measured.put(p.part(), p.measured());
                pct.put(p.part(), Math.round(p.errorPct() * 100) / 100.0);
            }
            j.put("measured", measured);
            j.put("errorPct", pct);
        }
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j);
    }

    private static Map<String, Long> sides(DeviceBytes b) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("cpu", b.cpu());
        m.put("gpu", b.gpu());
        return m;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
