package dev.karuku.engine.gguf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.RandomAccess;

/// An immutable list of GGUF array elements kept in their file encoding and decoded on access.
///
/// A vocabulary of 256k tokens as 256k `GgufValue` objects costs tens of megabytes; kept packed it costs about
/// what the file spends on it. It also bounds memory for hostile files: the heap used follows the bytes actually
/// present in the file, never a declared count.
abstract sealed class PackedList extends AbstractList<GgufValue> implements RandomAccess {

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /// Bytes per element of a fixed-width value type, or -1 for strings and arrays.
    static int width(GgufValue.Type type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64 -> 8;
            case STRING, ARRAY -> -1;
        };
    }

    /// Decodes one fixed-width value at `off` in little-endian `raw`.
    static GgufValue decode(GgufValue.Type type, byte[] raw, int off) {
        return switch (type) {
            case UINT8 -> new GgufValue.Int(type, raw[off] & 0xffL);
            case INT8 -> new GgufValue.Int(type, raw[off]);
            case BOOL -> new GgufValue.Bool(raw[off] != 0);
            case UINT16 -> new GgufValue.Int(type, (short) I16.get(raw, off) & 0xffffL);
            case INT16 -> new GgufValue.Int(type, (short) I16.get(raw, off));
            case UINT32 -> new GgufValue.Int(type, (int) I32.get(raw, off) & 0xffffffffL);
            case INT32 -> new GgufValue.Int(type, (int) I32.get(raw, off));
            case UINT64, INT64 -> new GgufValue.Int(type, (long) I64.get(raw, off));
            case FLOAT32 -> new GgufValue.Real(type, Float.intBitsToFloat((int) I32.get(raw, off)));
            case FLOAT64 -> new GgufValue.Real(type, Double.longBitsToDouble((long) I64.get(raw, off)));
            case STRING, ARRAY -> throw new IllegalArgumentException(type + " is not fixed-width");
        };
    }

    /// Fixed-width elements, `width(type)` bytes each.
    static final class Numbers extends PackedList {
        private final GgufValue.Type type;
        private final byte[] raw;
        private final int width;

        Numbers(GgufValue.Type type, byte[] raw) {
            this.type = type;
            this.raw = raw;
            this.width = width(type);
        }

        @Override
        public GgufValue get(int index) {
            return decode(type, raw, checked(index) * width);
        }

        @Override
        public int size() {
            return raw.length / width;
        }
    }

    /// UTF-8 strings (already validated) laid end to end; `ends[i]` is where string `i` stops.
    static final class Strings extends PackedList {
        private final byte[] blob;
        private final int[] ends;

        Strings(byte[] blob, int[] ends) {
            this.blob = blob;
            this.ends = ends;
        }

        @Override
        public GgufValue get(int index) {
            int start = checked(index) == 0 ? 0 : ends[index - 1];
            return new GgufValue.Str(new String(blob, start, ends[index] - start, StandardCharsets.UTF_8));
        }

        @Override
        public int size() {
            return ends.length;
        }
    }

    int checked(int index) {
        if (index < 0 || index >= size()) throw new IndexOutOfBoundsException(index);
        return index;
    }
}
