package dev.karuku.engine.gguf;

import java.util.Optional;

/// A ggml tensor type as stored in GGUF, with its block geometry (`ggml/src/ggml-common.h`, QK_K = 256).
///
/// Bytes of a row of `ne0` elements = `ne0 / blockSize * typeSize`; `ne0` must be a multiple of the block size.
/// Ids follow llama.cpp v0.4.0; ids that ggml removed (4, 5, 31–33, 36–38) have no constant.
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) BY_ID[t.id] = t;
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /// The numeric id stored in GGUF tensor infos and passed to llama.cpp (`enum ggml_type`).
    public int id() {
        return id;
    }

    /// Elements per block (1 for plain types, 32 or 256 for quantized ones).
    public int blockSize() {
        return blockSize;
    }

    /// Bytes per block.
    public int typeSize() {
        return typeSize;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }

    /// Bytes of one row of `ne0` elements. Throws if `ne0` is not a whole number of blocks.
    public long rowSize(long ne0) {
        if (ne0 < 0 || ne0 % blockSize != 0) {
            throw new IllegalArgumentException(name() + " rows must be a multiple of " + blockSize + " elements, got " + ne0);
        }
        return Math.multiplyExact(ne0 / blockSize, (long) typeSize);
    }

    /// Bytes per element, as a fraction (e.g. 34/32 for Q8_0): used for KV-cache arithmetic.
    public double bytesPerElement() {
        return (double) typeSize / blockSize;
    }

    public static Optional<GgmlType> fromId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    /// Case-insensitive lookup by name (`q8_0`, `F16`).
    public static Optional<GgmlType> fromName(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
