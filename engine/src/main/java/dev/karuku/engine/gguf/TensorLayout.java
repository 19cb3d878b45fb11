package dev.karuku.engine.gguf;

import dev.karuku.engine.gguf.GgufException.Kind;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/// Checks on tensor shapes and on where tensors lie in the data section: llama.cpp maps tensor data straight
/// from these numbers, so a wrong one must be caught here rather than as a crash or garbage output later.
final class TensorLayout {

    private TensorLayout() {}

    /// The byte size of a tensor, after checking its shape.
    static long bytes(String name, GgmlType type, long[] shape) throws GgufException {
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] <= 0) {
                throw new GgufException(Kind.BAD_SHAPE, "tensor " + GgufReader.quote(name) + " has shape "
                        + unsigned(shape) + ": dimension " + d + " is " + Long.toUnsignedString(shape[d])
                        + "; every dimension must be at least 1");
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new GgufException(Kind.BAD_SHAPE, "tensor " + GgufReader.quote(name) + " of type " + type + " has rows of "
                    + shape[0] + " elements, not a multiple of its block size " + type.blockSize());
        }
        try {
            long elements = 1;
            for (long d : shape) elements = Math.multiplyExact(elements, d);
            return TensorInfo.byteSize(type, shape);
        } catch (ArithmeticException e) {
            throw new GgufException(Kind.SHAPE_OVERFLOW, "tensor " + GgufReader.quote(name) + " has shape "
                    + Arrays.toString(shape) + ", whose size overflows 64 bits");
        }
    }

    static void check(List<TensorInfo> tensors, long alignment, long dataOffset, long fileSize) throws GgufException {
        for (TensorInfo t : tensors) {
            if (t.offset() < 0 || t.offset() % alignment != 0) {
                throw new GgufException(Kind.MISALIGNED, "tensor " + GgufReader.quote(t.name()) + " starts at data offset "
                        + Long.toUnsignedString(t.offset()) + ", which is not a multiple of the alignment " + alignment);
            }
            long end = end(dataOffset, t);
            if (end < 0 || (fileSize >= 0 && end > fileSize)) {
                throw new GgufException(Kind.OFFSET_PAST_END, "tensor " + GgufReader.quote(t.name()) + " (" + t.bytes()
                        + " bytes at data offset " + t.offset() + ") ends at byte " + (end < 0 ? "past 2^63" : end)
                        + ", but the file is " + (fileSize >= 0 ? fileSize + " bytes long" : "smaller")
                        + "; the download may be incomplete");
            }
        }
        TensorInfo[] byOffset = tensors.toArray(TensorInfo[]::new);
        Arrays.sort(byOffset, Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < byOffset.length; i++) {
            TensorInfo a = byOffset[i - 1];
            TensorInfo b = byOffset[i];
            if (b.offset() < end(0, a)) {
                throw new GgufException(Kind.OVERLAPPING_TENSORS, "tensors " + GgufReader.quote(a.name()) + " (data offset "
                        + a.offset() + ", " + a.bytes() + " bytes) and " + GgufReader.quote(b.name()) + " (data offset "
                        + b.offset() + ") overlap");
            }
        }
    }

    /// Where a tensor's data ends, or -1 when the sum does not fit in 63 bits: offset and size each fit, but their
    /// sum can wrap past 2^64 back to a small number that would pass every later check.
    private static long end(long dataOffset, TensorInfo t) {
        try {
            return Math.addExact(Math.addExact(dataOffset, t.offset()), t.bytes());
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static String unsigned(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(Long.toUnsignedString(shape[i]));
        return b.append(']').toString();
    }
}
