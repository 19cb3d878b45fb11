package dev.karuku.engine.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/// Writes a GGUF v3 file: any metadata, and F32 or F16 tensors whose values are pulled in chunks from a
/// [TensorData], so a multi-gigabyte model is written with a megabyte of heap.
///
/// Used to make test and benchmark models (see [TestModels]); the file is written next to its target and moved
/// into place at the end, so a failed write never leaves a half file under the real name.
public final class GgufWriter {

    /// Supplies a tensor's values in ggml order (`ne[0]` varies fastest).
    @FunctionalInterface
    public interface TensorData {
        /// Fills `dst[0, len)` with elements `[start, start + len)`. Called with consecutive ranges from 0 upward,
        /// exactly once each, so a generator may keep state (a seeded random stream) between calls.
        void fill(long start, float[] dst, int len);

        /// All zeros.
        TensorData ZEROS = (start, dst, len) -> java.util.Arrays.fill(dst, 0, len, 0f);

        /// The same value everywhere (e.g. ones for norm weights).
        static TensorData constant(float value) {
            return (start, dst, len) -> java.util.Arrays.fill(dst, 0, len, value);
        }

        /// Values from an array already in memory.
        static TensorData of(float[] values) {
            return (start, dst, len) -> System.arraycopy(values, Math.toIntExact(start), dst, 0, len);
        }
    }

    private record Tensor(String name, GgmlType type, long[] shape, TensorData data, long bytes) {}

    private static final int CHUNK = 1 << 16;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private long alignment = GgufReader.DEFAULT_ALIGNMENT;

    /// Sets `general.alignment` (a power of two); tensor data is padded to it.
    public GgufWriter alignment(long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > 0xffffffffL) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        this.alignment = alignment;
        return put("general.alignment", new GgufValue.Int(GgufValue.Type.UINT32, alignment));
    }

    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (value instanceof GgufValue.Array a) {
            for (GgufValue e : a.values()) {
                if (e.type() != a.elementType()) {
                    throw new IllegalArgumentException(key + ": " + e.type() + " element in an array of " + a.elementType());
                }
            }
        }
        metadata.put(key, value);
        return this;
    }

    /// Drops a key written earlier (tests write files that lack one).
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /// A value written earlier, or null.
    public GgufValue value(String key) {
        return metadata.get(key);
    }

    public GgufWriter putString(String key, String value) {
        return put(key, new GgufValue.Str(value));
    }

    public GgufWriter putU32(String key, long value) {
        return put(key, new GgufValue.Int(GgufValue.Type.UINT32, value));
    }

    public GgufWriter putI32(String key, int value) {
        return put(key, new GgufValue.Int(GgufValue.Type.INT32, value));
    }

    public GgufWriter putF32(String key, float value) {
        return put(key, new GgufValue.Real(GgufValue.Type.FLOAT32, value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new GgufValue.Bool(value));
    }

    public GgufWriter putStrings(String key, List<String> values) {
        return put(key, new GgufValue.Array(GgufValue.Type.STRING, values.stream().map(v -> (GgufValue) new GgufValue.Str(v)).toList()));
    }

    public GgufWriter putF32s(String key, float[] values) {
        List<GgufValue> list = new ArrayList<>(values.length);
        for (float v : values) list.add(new GgufValue.Real(GgufValue.Type.FLOAT32, v));
        return put(key, new GgufValue.Array(GgufValue.Type.FLOAT32, list));
    }

    public GgufWriter putI32s(String key, int[] values) {
        List<GgufValue> list = new ArrayList<>(values.length);
        for (int v : values) list.add(new GgufValue.Int(GgufValue.Type.INT32, v));
        return put(key, new GgufValue.Array(GgufValue.Type.INT32, list));
    }

    /// Adds a tensor of type F32 or F16; `shape` is ggml's `ne` (row length first).
    public GgufWriter tensor(String name, GgmlType type, long[] shape, TensorData data) {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("only F32 and F16 tensors can be written, not " + type);
        }
        if (shape.length < 1 || shape.length > 4) throw new IllegalArgumentException(name + ": 1 to 4 dimensions");
        for (long d : shape) if (d < 0) throw new IllegalArgumentException(name + ": dimensions must not be negative");
        if (tensors.stream().anyMatch(t -> t.name.equals(name))) throw new IllegalArgumentException("duplicate tensor " + name);
        tensors.add(new Tensor(name, type, shape.clone(), Objects.requireNonNull(data), TensorInfo.byteSize(type, shape)));
        return this;
    }

    /// Writes the file; returns its size in bytes.
    public long write(Path out) throws IOException {
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            Sink sink = new Sink(ch);
            writeHeader(sink);
            for (Tensor t : tensors) {
                sink.pad(alignment);
                writeData(sink, t);
            }
            sink.flush();
            long size = ch.position();
            ch.force(false);
            ch.close();
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return size;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private void writeHeader(Sink s) throws IOException {
        s.i32(GgufReader.MAGIC);
        s.i32(3);
        s.i64(tensors.size());
        s.i64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            s.string(e.getKey());
            s.i32(e.getValue().type().code());
            value(s, e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            s.string(t.name);
            s.i32(t.shape.length);
            for (long d : t.shape) s.i64(d);
            s.i32(t.type.id());
            offset = GgufReader.alignUp(offset, alignment);
            s.i64(offset);
            offset += t.bytes;
        }
    }

    private static void value(Sink s, GgufValue v) throws IOException {
        switch (v) {
            case GgufValue.Int i -> {
                switch (i.type()) {
                    case UINT8, INT8 -> s.i8((int) i.value());
                    case UINT16, INT16 -> s.i16((int) i.value());
                    case UINT32, INT32 -> s.i32((int) i.value());
                    default -> s.i64(i.value());
                }
            }
            case GgufValue.Real r -> {
                if (r.type() == GgufValue.Type.FLOAT32) s.i32(Float.floatToRawIntBits((float) r.value()));
                else s.i64(Double.doubleToRawLongBits(r.value()));
            }
            case GgufValue.Bool b -> s.i8(b.value() ? 1 : 0);
            case GgufValue.Str str -> s.string(str.value());
            case GgufValue.Array a -> {
                s.i32(a.elementType().code());
                s.i64(a.values().size());
                for (GgufValue e : a.values()) value(s, e);
            }
        }
    }

    private static void writeData(Sink s, Tensor t) throws IOException {
        long n = t.bytes / t.type.typeSize();
        float[] chunk = new float[(int) Math.min(CHUNK, n)];
        for (long start = 0; start < n; start += chunk.length) {
            int len = (int) Math.min(chunk.length, n - start);
            t.data.fill(start, chunk, len);
            ByteBuffer b = s.room(len * t.type.typeSize());
            if (t.type == GgmlType.F32) {
                for (int i = 0; i < len; i++) b.putFloat(chunk[i]);
            } else {
                for (int i = 0; i < len; i++) b.putShort(Float.floatToFloat16(chunk[i]));
            }
        }
    }

    /// A little-endian buffered writer over a channel.
    private static final class Sink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Sink(FileChannel ch) {
            this.ch = ch;
        }

        private ByteBuffer room(int n) throws IOException {
            if (buf.remaining() < n) flush();
            written += n;
            return buf;
        }

        void i8(int v) throws IOException { room(1).put((byte) v); }

        void i16(int v) throws IOException { room(2).putShort((short) v); }

        void i32(int v) throws IOException { room(4).putInt(v); }

        void i64(long v) throws IOException { room(8).putLong(v); }

        void string(String v) throws IOException {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            for (int off = 0; off < b.length; ) {
                int n = Math.min(b.length - off, buf.capacity());
                room(n).put(b, off, n);
                off += n;
            }
        }

        void pad(long alignment) throws IOException {
            while (written % alignment != 0) i8(0);
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
        }
    }
}
