package dev.karuku.engine.gguf;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// llama.cpp's file types (`enum llama_ftype`, v0.4.0): what `general.file_type` holds and what
/// `llama_model_quantize` takes.
public enum FileType {
    ALL_F32(0, "F32"),
    MOSTLY_F16(1, "F16"),
    MOSTLY_Q4_0(2, "Q4_0"),
    MOSTLY_Q4_1(3, "Q4_1"),
    MOSTLY_Q8_0(7, "Q8_0"),
    MOSTLY_Q5_0(8, "Q5_0"),
    MOSTLY_Q5_1(9, "Q5_1"),
    MOSTLY_Q2_K(10, "Q2_K"),
    MOSTLY_Q3_K_S(11, "Q3_K_S"),
    MOSTLY_Q3_K_M(12, "Q3_K_M"),
    MOSTLY_Q3_K_L(13, "Q3_K_L"),
    MOSTLY_Q4_K_S(14, "Q4_K_S"),
    MOSTLY_Q4_K_M(15, "Q4_K_M"),
    MOSTLY_Q5_K_S(16, "Q5_K_S"),
    MOSTLY_Q5_K_M(17, "Q5_K_M"),
    MOSTLY_Q6_K(18, "Q6_K"),
    MOSTLY_IQ2_XXS(19, "IQ2_XXS"),
    MOSTLY_IQ2_XS(20, "IQ2_XS"),
    MOSTLY_Q2_K_S(21, "Q2_K_S"),
    MOSTLY_IQ3_XS(22, "IQ3_XS"),
    MOSTLY_IQ3_XXS(23, "IQ3_XXS"),
    MOSTLY_IQ1_S(24, "IQ1_S"),
    MOSTLY_IQ4_NL(25, "IQ4_NL"),
    MOSTLY_IQ3_S(26, "IQ3_S"),
    MOSTLY_IQ3_M(27, "IQ3_M"),
    MOSTLY_IQ2_S(28, "IQ2_S"),
    MOSTLY_IQ2_M(29, "IQ2_M"),
    MOSTLY_IQ4_XS(30, "IQ4_XS"),
    MOSTLY_IQ1_M(31, "IQ1_M"),
    MOSTLY_BF16(32, "BF16"),
    MOSTLY_TQ1_0(36, "TQ1_0"),
    MOSTLY_TQ2_0(37, "TQ2_0"),
    MOSTLY_MXFP4_MOE(38, "MXFP4_MOE");

    private final int id;
    private final String label;

    FileType(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    /// The label users and file names use: `Q4_K_M`, `IQ3_S`, `F16`.
    public String label() {
        return label;
    }

    public static Optional<FileType> fromId(int id) {
        for (FileType f : values()) if (f.id == id) return Optional.of(f);
        return Optional.empty();
    }

    /// Case-insensitive lookup by label (`q4_k_m` → [#MOSTLY_Q4_K_M]).
    public static Optional<FileType> fromLabel(String label) {
        String l = label.toUpperCase(Locale.ROOT);
        for (FileType f : values()) if (f.label.equals(l)) return Optional.of(f);
        return Optional.empty();
    }

    private static final Map<GgmlType, FileType> BY_TENSOR_TYPE = new EnumMap<>(Map.ofEntries(
            Map.entry(GgmlType.F32, ALL_F32), Map.entry(GgmlType.F16, MOSTLY_F16), Map.entry(GgmlType.BF16, MOSTLY_BF16),
            Map.entry(GgmlType.Q4_0, MOSTLY_Q4_0), Map.entry(GgmlType.Q4_1, MOSTLY_Q4_1), Map.entry(GgmlType.Q5_0, MOSTLY_Q5_0),
            Map.entry(GgmlType.Q5_1, MOSTLY_Q5_1), Map.entry(GgmlType.Q8_0, MOSTLY_Q8_0), Map.entry(GgmlType.Q2_K, MOSTLY_Q2_K),
            Map.entry(GgmlType.Q3_K, MOSTLY_Q3_K_M), Map.entry(GgmlType.Q4_K, MOSTLY_Q4_K_M), Map.entry(GgmlType.Q5_K, MOSTLY_Q5_K_M),
            Map.entry(GgmlType.Q6_K, MOSTLY_Q6_K), Map.entry(GgmlType.IQ2_XXS, MOSTLY_IQ2_XXS), Map.entry(GgmlType.IQ2_XS, MOSTLY_IQ2_XS),
            Map.entry(GgmlType.IQ2_S, MOSTLY_IQ2_S), Map.entry(GgmlType.IQ3_XXS, MOSTLY_IQ3_XXS), Map.entry(GgmlType.IQ3_S, MOSTLY_IQ3_S),
            Map.entry(GgmlType.IQ1_S, MOSTLY_IQ1_S), Map.entry(GgmlType.IQ1_M, MOSTLY_IQ1_M), Map.entry(GgmlType.IQ4_NL, MOSTLY_IQ4_NL),
            Map.entry(GgmlType.IQ4_XS, MOSTLY_IQ4_XS), Map.entry(GgmlType.TQ1_0, MOSTLY_TQ1_0), Map.entry(GgmlType.TQ2_0, MOSTLY_TQ2_0),
            Map.entry(GgmlType.MXFP4, MOSTLY_MXFP4_MOE)));

    /// A best guess for files without `general.file_type`: the type holding most bytes among 2-D+ tensors.
    public static Optional<FileType> guess(List<TensorInfo> tensors) {
        Map<GgmlType, Long> bytes = new EnumMap<>(GgmlType.class);
        for (TensorInfo t : tensors) {
            if (t.dimensions() >= 2) bytes.merge(t.type(), t.bytes(), Long::sum);
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> BY_TENSOR_TYPE.get(e.getKey()));
    }
}
