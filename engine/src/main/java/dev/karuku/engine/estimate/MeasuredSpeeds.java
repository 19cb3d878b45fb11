package dev.karuku.engine.estimate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.MemoryBandwidth;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntToDoubleFunction;

/// What this machine has shown about its speed, kept in the data folder (`speed.json`) so the estimate comes from
/// here and not from constants:
///
/// - the memory read bandwidth, from a short probe ([MemoryBandwidth] over 256 MiB, under a second) on first use,
///   probed again when the core count changes;
/// - per model file and GPU layers, the generation speed real replies reached ([#recordReply]), which replaces
///   the estimate for that model once there is one.
///
/// Thread-safe. A file that cannot be read or written costs the cache, never the estimate.
public final class MeasuredSpeeds {

    private static final System.Logger LOG = System.getLogger(MeasuredSpeeds.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /// The probe: enough memory to leave the caches behind, a few passes, the best one counts.
    static final long PROBE_BYTES = 256L << 20;
    static final int PROBE_PASSES = 4;
    /// Replies shorter than this say more about the prompt than about generation: not recorded.
    public static final int MIN_REPLY_TOKENS = 16;
    /// Weight of the newest reply in a model's figure: recent load on the machine counts most.
    static final double REPLY_WEIGHT = 0.3;

    private final Path file;
    private final IntToDoubleFunction probe;
    private double gbPerSecond = Double.NaN;
    private int probedCores;
    private final Map<String, Double> replies = new LinkedHashMap<>();

    MeasuredSpeeds(Path file, IntToDoubleFunction probe) {
        this.file = file;
        this.probe = probe;
        read();
    }

    /// The speeds kept in `dataDir`, probing this machine's memory when first asked for it.
    public static MeasuredSpeeds open(Path dataDir) {
        return new MeasuredSpeeds(dataDir.resolve("speed.json"),
                threads -> MemoryBandwidth.measure(threads, PROBE_BYTES, PROBE_PASSES).gbPerSecond());
    }

    /// How fast llama.cpp reads weights from RAM here, in bytes per second: the probe's bandwidth times
    /// [SpeedEstimate#CPU_EFFICIENCY]. The first call on a machine runs the probe (under a second): call it off
    /// the UI thread.
    public synchronized double cpuBytesPerSecond() {
        int cores = CpuInfo.physicalCores();
        if (Double.isNaN(gbPerSecond) || probedCores != cores) {
            double measured = probe.applyAsDouble(cores);
            if (!(measured > 0)) return SpeedEstimate.CPU_BYTES_PER_SECOND;
            gbPerSecond = measured;
            probedCores = cores;
            write();
        }
        return gbPerSecond * 1e9 * SpeedEstimate.CPU_EFFICIENCY;
    }

    /// The generation speed replies reached with `model` loaded with `gpuLayers` GPU layers, if any were recorded.
    public synchronized OptionalDouble replyTokensPerSecond(Path model, int gpuLayers) {
        Double v = replies.get(key(model, gpuLayers));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /// Records a reply's generation: `tokens` tokens in `nanos` (from the first token to the last). Short replies
    /// are ignored.
    public synchronized void recordReply(Path model, int gpuLayers, int tokens, long nanos) {
        if (tokens < MIN_REPLY_TOKENS || nanos <= 0) return;
        double rate = tokens / (nanos / 1e9);
        replies.merge(key(model, gpuLayers), rate, (old, now) -> old + REPLY_WEIGHT * (now - old));
        write();
    }

    /// Tokens per second for `model` (null: not on disk yet) loaded as `e` places it: what its replies reached
    /// with these GPU layers when there were some, else the estimate with this machine's RAM bandwidth.
    public double tokensPerSecond(GgufFile gguf, Path model, int gpuLayers, MemoryEstimate e, Hardware hw) {
        if (model != null) {
            OptionalDouble measured = replyTokensPerSecond(model, gpuLayers);
            if (measured.isPresent()) return measured.getAsDouble();
        }
        return SpeedEstimate.tokensPerSecond(gguf, e, hw, cpuBytesPerSecond());
    }

    private static String key(Path model, int gpuLayers) {
        return model.toAbsolutePath().normalize() + "#gpu-layers=" + gpuLayers;
    }

    private void read() {
        if (file == null || !Files.isRegularFile(file)) return;
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode cpu = root.path("cpu");
            if (cpu.path("gbPerSecond").asDouble() > 0) {
                gbPerSecond = cpu.path("gbPerSecond").asDouble();
                probedCores = cpu.path("cores").asInt();
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("replies").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                double v = r.getValue().path("tokensPerSecond").asDouble();
                if (v > 0) replies.put(r.getKey(), v);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable " + file + ": " + e.getMessage());
        }
    }

    private void write() {
        if (file == null) return;
        ObjectNode root = JSON.createObjectNode();
        if (!Double.isNaN(gbPerSecond)) {
            root.putObject("cpu").put("gbPerSecond", gbPerSecond).put("cores", probedCores)
                    .put("method", "java-memorysegment, " + (PROBE_BYTES >> 20) + " MiB, best of " + PROBE_PASSES);
        }
        ObjectNode rs = root.putObject("replies");
        replies.forEach((k, v) -> rs.putObject(k).put("tokensPerSecond", v));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write " + file + ": " + e.getMessage());
        }
    }
}
