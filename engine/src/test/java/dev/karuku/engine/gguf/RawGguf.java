package dev.karuku.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/// Writes GGUF bytes field by field, so tests (of any package) can build files that are wrong in exactly one way.
public final class RawGguf {

    /// The bytes `GGUF` as a little-endian int.
    public static final int MAGIC = 0x46554747;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /// Magic, version 3, and the two counts.
    public static RawGguf header(long tensors, long kvs) {
        return new RawGguf().u32(MAGIC).u32(3).u64(tensors).u64(kvs);
    }

    public RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    public RawGguf u32(long v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
    }

    public RawGguf u64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    public RawGguf str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /// A GGUF string with these exact bytes.
    public RawGguf bytes(byte[] b) {
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    public RawGguf kvU32(String key, long v) {
        return str(key).u32(GgufValue.Type.UINT32.code()).u32(v);
    }

    public RawGguf kvString(String key, String v) {
        return str(key).u32(GgufValue.Type.STRING.code()).str(v);
    }

    /// A tensor info: name, dims, shape, type id, offset.
    public RawGguf tensor(String name, int typeId, long offset, long... shape) {
        str(name).u32(shape.length);
        for (long d : shape) u64(d);
        return u32(typeId).u64(offset);
    }

    /// Zero bytes up to the next multiple of `alignment`, then `dataBytes` zero bytes of tensor data.
    public RawGguf data(long alignment, int dataBytes) {
        while (out.size() % alignment != 0) out.write(0);
        out.writeBytes(new byte[dataBytes]);
        return this;
    }

    public byte[] build() {
        return out.toByteArray();
    }
}
