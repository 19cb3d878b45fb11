package dev.karuku.engine.gguf;

import java.util.Arrays;

/// One tensor's header entry: its name, type, shape (`ne[0]` first: the row length), its offset relative to the
/// start of the tensor data section, and its exact size in bytes (`rowSize(ne0) * ne1 * ne2 * ne3`).
public record TensorInfo(String name, GgmlType type, long[] shape, long offset, long bytes) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dimensions() {
        return shape.length;
    }

    /// `ne[i]`, or 1 past the last dimension (ggml's convention).
    public long ne(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /// The exact byte size of a tensor of this type and shape; throws on overflow or a partial block.
    public static long byteSize(GgmlType type, long[] shape) {
        long bytes = type.rowSize(shape.length == 0 ? 1 : shape[0]);
        for (int i = 1; i < shape.length; i++) bytes = Math.multiplyExact(bytes, shape[i]);
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && offset == t.offset && bytes == t.bytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " (" + bytes + " B)";
    }
}
