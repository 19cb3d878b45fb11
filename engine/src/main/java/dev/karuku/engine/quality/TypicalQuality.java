package dev.karuku.engine.quality;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// The typical quality cost of each quantization type as llama.cpp publishes it: the perplexity increase over the
/// full-precision model that its quantize tool lists for each type (`QUANT_OPTIONS` in `tools/quantize/quantize.cpp`
/// of the llama.cpp source the pinned build was made from), measured by llama.cpp's authors on one reference model
/// (Llama-3-8B; F16 and BF16 on Mistral-7B). A typical figure, never a measurement of the model at hand: the same
/// type costs a small model more than a large one. Types the table gives no figure for (the IQ types, ternary ones)
/// have none here either.
public final class TypicalQuality {

    /// Where the figures come from, for tooltips and docs.
    public static final String SOURCE = "llama.cpp, tools/quantize/quantize.cpp (QUANT_OPTIONS)";

    /// One type's published figure.
    ///
    /// @param perplexityIncrease how much perplexity rose over the full-precision model (absolute, not percent)
    /// @param referenceModel     the model it was measured on
    public record Figure(double perplexityIncrease, String referenceModel) {}

    private static final String LLAMA3 = "Llama-3-8B";
    private static final Map<String, Figure> FIGURES = Map.ofEntries(
            Map.entry("Q2_K", new Figure(3.5199, LLAMA3)),
            Map.entry("Q2_K_S", new Figure(3.1836, LLAMA3)),
            Map.entry("Q3_K_S", new Figure(1.6321, LLAMA3)),
            Map.entry("Q3_K_M", new Figure(0.6569, LLAMA3)),
            Map.entry("Q3_K_L", new Figure(0.5562, LLAMA3)),
            Map.entry("Q4_0", new Figure(0.4685, LLAMA3)),
            Map.entry("Q4_1", new Figure(0.4511, LLAMA3)),
            Map.entry("Q4_K_S", new Figure(0.2689, LLAMA3)),
            Map.entry("Q4_K_M", new Figure(0.1754, LLAMA3)),
            Map.entry("Q5_0", new Figure(0.1316, LLAMA3)),
            Map.entry("Q5_1", new Figure(0.1062, LLAMA3)),
            Map.entry("Q5_K_S", new Figure(0.1049, LLAMA3)),
            Map.entry("Q5_K_M", new Figure(0.0569, LLAMA3)),
            Map.entry("Q6_K", new Figure(0.0217, LLAMA3)),
            Map.entry("Q8_0", new Figure(0.0026, LLAMA3)),
            Map.entry("F16", new Figure(0.0020, "Mistral-7B")),
            Map.entry("BF16", new Figure(-0.0050, "Mistral-7B")));

    private TypicalQuality() {}

    /// The published figure for a quantization label such as `Q4_K_M` (case-insensitive), if llama.cpp gives one.
    public static Optional<Figure> of(String quant) {
        return Optional.ofNullable(FIGURES.get(quant.toUpperCase(Locale.ROOT)));
    }

    /// Bits per weight: tensor bytes × 8 ÷ parameters (exact, from a file's header).
    public static double bitsPerWeight(long tensorBytes, long parameters) {
        if (parameters <= 0) throw new IllegalArgumentException("parameters must be positive");
        return tensorBytes * 8.0 / parameters;
    }
}
