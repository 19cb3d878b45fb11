package dev.karuku.engine.hub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Reads the quantization label (`Q4_K_M`, `IQ3_S`, `UD-Q4_K_XL`, …) from a GGUF file name the way the Hub does
/// (huggingface.js `parseGGUFQuantLabel`): upper-case the name and take the **last** match of the known names, so
/// `Llama-3-8B-Q4_K_M.gguf` and `qwen2.5-7b-instruct-q5_k_s-00001-of-00002.gguf` both work and mixes such as
/// `-55IQ2_XXS-34Q2_K-` give their last (dominant) part.
public final class QuantLabels {

    /// Largest to smallest, as huggingface.js orders them; longer names of the same family come before their
    /// prefixes in the pattern so `Q4_K_M` is not read as `Q4_K`.
    static final List<String> NAMES = List.of("F32", "BF16", "F16", "Q8_K_XL", "Q8_0", "Q6_K_XL", "Q6_K", "Q5_K_XL",
            "Q5_K_L", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_XL", "Q4_K_L", "Q4_K_M", "Q4_K_S", "Q4_1_SOME_F16",
            "Q4_1", "Q4_0_8_8", "Q4_0_4_8", "Q4_0_4_4", "Q4_0", "Q4_2", "Q4_3", "NVFP4", "MXFP4_MOE", "IQ4_NL", "IQ4_XS",
            "Q3_K_XL", "Q3_K_L", "Q3_K_M", "Q3_K_S", "IQ3_M", "IQ3_S", "IQ3_XS", "IQ3_XXS", "Q2_K_XL", "Q2_K_L",
            "Q2_K_S", "Q2_K", "IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S", "TQ2_0", "TQ1_0", "Q2_0", "Q1_0");

    private static final Pattern QUANT = Pattern.compile("(?<prefix>UD-)?(?<quant>"
            + String.join("|", NAMES.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList())
            + ")(_(?<variation>[A-Z]+))?");

    private QuantLabels() {}

    /// The label of a file name or path, e.g. `Q4_K_M` or `UD-Q4_K_XL`; empty when the name has none.
    public static Optional<String> parse(String fileName) {
        String name = fileName.substring(fileName.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT);
        Matcher m = QUANT.matcher(name);
        String last = null;
        while (m.find()) last = m.group();
        if (last == null) {
            String dir = fileName.contains("/") ? fileName.substring(0, fileName.lastIndexOf('/')) : "";
            return dir.isEmpty() ? Optional.empty() : parse(dir.substring(dir.lastIndexOf('/') + 1));
        }
        return Optional.of(last);
    }

    /// Rank from largest (0) to smallest; unknown labels sort last.
    public static int rank(String label) {
        String base = label.toUpperCase(Locale.ROOT).replaceFirst("^UD-", "");
        int i = NAMES.indexOf(base);
        if (i < 0) {
            List<String> prefixes = new ArrayList<>(NAMES);
            prefixes.removeIf(n -> !base.startsWith(n));
            i = prefixes.isEmpty() ? NAMES.size() : NAMES.indexOf(prefixes.getFirst());
        }
        return i;
    }
}
