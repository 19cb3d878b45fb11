package dev.karuku.app.load;

import dev.karuku.app.ui.EstimateCaveat;
import dev.karuku.engine.estimate.BestFit;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.Fit;
import dev.karuku.engine.estimate.MemoryEstimate;
import dev.karuku.engine.estimate.MemoryEstimator;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.estimate.PairEstimate;
import dev.karuku.engine.estimate.SpeedEstimate;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.LoadCheck;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.hardware.HardwareProbe;
import dev.karuku.engine.llama.LlamaHardware;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.function.Supplier;

/// [MemoryPlanner] over the engine's estimator: reads the GGUF header, estimates RAM and VRAM for the options,
/// and compares with a hardware snapshot (taken once per plan: free VRAM changes as models load).
public final class EstimatorPlanner implements MemoryPlanner {
    private final Supplier<Hardware> hardware;
    private final MeasuredSpeeds speeds;

    public EstimatorPlanner(Supplier<Hardware> hardware) {
        this(hardware, null);
    }

    /// @param speeds this machine's measured speeds for the speed estimate (null: the estimate's constants)
    public EstimatorPlanner(Supplier<Hardware> hardware, MeasuredSpeeds speeds) {
        this.hardware = hardware;
        this.speeds = speeds;
    }

    /// The planner for this machine, with GPUs as llama.cpp lists them and speeds measured here.
    public static EstimatorPlanner forThisMachine(MeasuredSpeeds speeds) {
        HardwareProbe probe = LlamaHardware.probe();
        return new EstimatorPlanner(probe::snapshot, speeds);
    }

    @Override
    public Plan plan(Path file, LoadSettings r) {
        return plan(file, r, null);
    }

    @Override
    public Plan plan(Path file, LoadSettings r, Path draft) {
        GgufFile gguf = read(file);
        Hardware hw = hardware.get();
        MemoryEstimate e = MemoryEstimator.estimate(gguf, options(r), hw);
        Fit fit = Fit.of(gguf, options(r), hw);
        long ramNeeded = e.ramBytes(), vramNeeded = e.vramBytes();
        java.util.List<String> approximate = new java.util.ArrayList<>(e.approximate() ? e.reasons() : java.util.List.of());
        if (draft != null) {
            PairEstimate pair = PairEstimate.of(gguf, read(draft), options(r), hw);
            ramNeeded = pair.ramBytes();
            vramNeeded = pair.vramBytes();
            if (pair.draft().approximate()) pair.draft().reasons().stream().filter(x -> !approximate.contains(x)).forEach(approximate::add);
        }
        long vramHave = hw.primaryGpu().map(g -> g.totalBytes()).orElse(0L);
        String verdict;
        if (ramNeeded > hw.totalRamBytes() || (vramHave > 0 && vramNeeded > vramHave)) verdict = "WONT_FIT";
        else if (r.gpuLayers() == 0 || vramHave == 0) verdict = fit.verdict().name().equals("DOES_NOT_FIT") ? "WONT_FIT" : "CPU_ONLY";
        else if (r.gpuLayers() >= e.layers() + 1) verdict = "FITS_ON_GPU";
        else verdict = "PARTLY_ON_GPU";
        double speed = verdict.equals("WONT_FIT") ? 0 : speeds == null ? SpeedEstimate.tokensPerSecond(gguf, e, hw)
                : speeds.tokensPerSecond(gguf, file, r.gpuLayers(), e, hw);
        return new Plan(e.layers(), ramNeeded, vramNeeded, hw.totalRamBytes(), vramHave, verdict, speed,
                approximate, EstimateCaveat.unmeasuredGpu(hw),
                dev.karuku.engine.estimate.ModelGeometry.of(gguf).contextTrain());
    }

    @Override
    public int autoLayers(Path file, LoadSettings r) {
        return Fit.of(read(file), options(r), hardware.get()).maxGpuLayers();
    }

    @Override
    public LoadSettings bestFit(Path file, LoadSettings base) {
        return BestFit.of(read(file), options(base), hardware.get()).options().load();
    }

    private static EstimateOptions options(LoadSettings r) {
        return EstimateOptions.of(r);
    }

    /// The header, refused when llama.cpp would crash on the file: the Load screen says why before Load is pressed.
    private static GgufFile read(Path file) {
        try {
            GgufFile gguf = GgufReader.read(file);
            LoadCheck.check(gguf);
            return gguf;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
