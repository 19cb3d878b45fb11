package dev.karuku.engine.gguf;

import java.util.List;

/// One typed metadata value of a GGUF file.
public sealed interface GgufValue {

    /// The GGUF value type codes (`gguf_type`).
    enum Type {
        UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

        public static Type fromCode(int code) {
            Type[] all = values();
            if (code < 0 || code >= all.length) throw new IllegalArgumentException("unknown GGUF value type " + code);
            return all[code];
        }

        public int code() {
            return ordinal();
        }
    }

    Type type();

    /// Any integer type; `UINT64` values above `Long.MAX_VALUE` are kept as their two's-complement bits.
    record Int(Type type, long value) implements GgufValue {}

    record Real(Type type, double value) implements GgufValue {}

    record Bool(boolean value) implements GgufValue {
        public Type type() {
            return Type.BOOL;
        }
    }

    record Str(String value) implements GgufValue {
        public Type type() {
            return Type.STRING;
        }
    }

    record Array(Type elementType, List<GgufValue> values) implements GgufValue {
        public Array {
            // Arrays read from a file stay packed (see PackedList): immutable already, and far smaller.
            values = values instanceof PackedList ? values : List.copyOf(values);
        }

        public Type type() {
            return Type.ARRAY;
        }
    }
}
