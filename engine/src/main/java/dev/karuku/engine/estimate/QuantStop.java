package dev.karuku.engine.estimate;

/// One stop of the quantization slider: a quant with what it means on this machine.
///
/// @param label          `Q4_K_M`, `IQ3_S`, …
/// @param sizeBytes      download size
/// @param fit            best offload, longest context and verdict here
/// @param tokensPerSecond generation-speed estimate at the best offload
/// @param pinned         one of the quants always shown (Q4_K_M, Q5_K_S, IQ3_S)
/// @param recommended    the one Karuku suggests
/// @param bitsPerWeight  tensor bytes × 8 ÷ parameters, from the remote header
public record QuantStop(String label, long sizeBytes, Fit fit, double tokensPerSecond, boolean pinned, boolean recommended,
                        double bitsPerWeight) {

    public Verdict verdict() {
        return fit.verdict();
    }

    public MemoryEstimate estimate() {
        return fit.best();
    }
}
