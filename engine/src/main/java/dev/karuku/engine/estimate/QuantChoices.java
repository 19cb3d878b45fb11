package dev.karuku.engine.estimate;

import dev.karuku.engine.hardware.Hardware;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/// The quantization slider for one model: one stop per quant, smallest first, each with its verdict and speed
/// for this machine, and one recommendation:
/// 1. the largest quant that fits entirely on the GPU; else
/// 2. the largest that fits (partly on the GPU or in RAM) at good speed ([SpeedEstimate#GOOD_TOKENS_PER_SECOND]); else
/// 3. the smallest that fits at all; else none.
public final class QuantChoices {

    /// Quants always shown when present: the usual best trade-off, its bigger sibling, and the small fallback.
    public static final Set<String> PINNED = Set.of("Q4_K_M", "Q5_K_S", "IQ3_S");

    private QuantChoices() {}

    public static List<QuantStop> stops(List<QuantFile> quants, EstimateOptions options, Hardware hw) {
        return stops(quants, options, hw, SpeedEstimate.CPU_BYTES_PER_SECOND);
    }

    /// The same with RAM read at `cpuBytesPerSecond` (this machine's, [MeasuredSpeeds#cpuBytesPerSecond()]).
    public static List<QuantStop> stops(List<QuantFile> quants, EstimateOptions options, Hardware hw, double cpuBytesPerSecond) {
        List<QuantFile> sorted = new ArrayList<>(quants);
        sorted.sort(Comparator.comparingLong(QuantFile::sizeBytes));
        List<Fit> fits = new ArrayList<>();
        List<Double> speeds = new ArrayList<>();
        for (QuantFile q : sorted) {
            var file = q.merged();
            Fit f = Fit.of(file, options, hw);
            fits.add(f);
            speeds.add(SpeedEstimate.tokensPerSecond(file, f.best(), hw, cpuBytesPerSecond));
        }
        int pick = recommend(fits, speeds);
        List<QuantStop> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            QuantFile q = sorted.get(i);
            out.add(new QuantStop(q.label(), q.sizeBytes(), fits.get(i), speeds.get(i),
                    PINNED.contains(q.label().toUpperCase(Locale.ROOT)), i == pick, q.merged().bitsPerWeight()));
        }
        return out;
    }

    public static Optional<QuantStop> recommended(List<QuantStop> stops) {
        return stops.stream().filter(QuantStop::recommended).findFirst();
    }

    private static int recommend(List<Fit> fits, List<Double> speeds) {
        for (int i = fits.size() - 1; i >= 0; i--) if (fits.get(i).verdict() == Verdict.FITS_ON_GPU) return i;
        for (int i = fits.size() - 1; i >= 0; i--) {
            if (fits.get(i).verdict() != Verdict.DOES_NOT_FIT && speeds.get(i) >= SpeedEstimate.GOOD_TOKENS_PER_SECOND) return i;
        }
        for (int i = 0; i < fits.size(); i++) if (fits.get(i).verdict() != Verdict.DOES_NOT_FIT) return i;
        return -1;
    }
}
