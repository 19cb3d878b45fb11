package dev.karuku.cli;

import dev.karuku.engine.estimate.Fit;
import dev.karuku.engine.estimate.MemoryEstimate;
import dev.karuku.engine.estimate.PartError;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.hardware.Hardware;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/// The human-readable form of `karuku estimate`.
final class EstimateText {

    private EstimateText() {}

    static void print(PrintWriter out, Path model, GgufFile file, MemoryEstimate e, Fit fit, double tps, Hardware hw,
                      List<PartError> errors) {
        out.printf(Locale.ROOT, "%s  (%s, %s, %d layers)%n", model.getFileName(), file.architecture().orElse("unknown"),
                file.fileTypeLabel(), e.layers());
        out.printf(Locale.ROOT, "options: %d/%d units on GPU, context %d, flash attention %s%n", e.gpuLayers(),
                e.layers() + 1, e.contextLength(), e.flashAttention() ? "on" : "off");
        out.printf(Locale.ROOT, "%-10s %14s %14s%n", "", "RAM", "VRAM");
        row(out, "weights", e.weights().cpu(), e.weights().gpu());
        if (e.repackBytes() > 0) row(out, "repack", e.repackBytes(), 0);
        row(out, "KV cache", e.kv().cpu(), e.kv().gpu());
        row(out, "compute", e.compute().cpu(), e.compute().gpu());
        row(out, "output", e.outputBytes(), 0);
        row(out, "overhead", e.overhead().cpu(), e.overhead().gpu());
        row(out, "total", e.ramBytes(), e.vramBytes());
        if (e.fileBackedBytes() > 0) out.printf(Locale.ROOT, "(%s of the RAM is the memory-mapped file)%n", EstimateCommand.mib(e.fileBackedBytes()));
        out.printf(Locale.ROOT, "this PC: %s RAM available, %s; CPU backend repacks into %s%n",
                EstimateCommand.mib(hw.availableRamBytes()),
                hw.primaryGpu().map(d -> d.name() + " " + d.description() + " " + EstimateCommand.mib(d.freeBytes()) + " free").orElse("no GPU"),
                hw.cpu().extraBufferTypes().isEmpty() ? "no extra buffers" : String.join(", then ", hw.cpu().extraBufferTypes())
                        + " (" + hw.cpu().source() + ")");
        out.printf(Locale.ROOT, "verdict: %s — up to %d GPU units, up to %d tokens of context; about %.1f tokens/s%n",
                fit.verdict(), fit.maxGpuLayers(), fit.maxContext(), tps);
        if (e.approximate()) out.println("approximate: " + String.join("; ", e.reasons()));
        if (!errors.isEmpty()) {
            out.printf(Locale.ROOT, "%n%-15s %14s %14s %8s%n", "verify", "estimate", "llama.cpp", "error");
            for (PartError p : errors) {
                out.printf(Locale.ROOT, "%-15s %14s %14s %7.2f%%%n", p.part(), EstimateCommand.mib(p.estimated()),
                        EstimateCommand.mib(p.measured()), p.errorPct());
            }
        }
    }

    private static void row(PrintWriter out, String name, long ram, long vram) {
        out.printf(Locale.ROOT, "%-10s %14s %14s%n", name, EstimateCommand.mib(ram), EstimateCommand.mib(vram));
    }
}
