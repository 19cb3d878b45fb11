package dev.karuku.engine.gguf;

import dev.karuku.engine.gguf.GgufException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// Parses a GGUF header (versions 2 and 3, little-endian): metadata and tensor infos, never tensor data.
///
/// Files come from strangers on the internet, so every count, length and offset is checked before it is used:
/// a hostile file gets a [GgufException] whose [Kind] and message say what is wrong, and parsing takes memory and
/// time proportional to the header bytes actually present (capped by [Limits]), never to a declared count.
/// A file that passes is one llama.cpp's own loader accepts as far as the header goes.
public final class GgufReader {

    /// GGUF's magic number, the bytes `GGUF` read as a little-endian int.
    static final int MAGIC = 0x46554747;
    /// Alignment of tensor data when `general.alignment` is absent.
    public static final long DEFAULT_ALIGNMENT = 32;
    /// ggml's GGML_MAX_NAME (64) counts the terminating NUL.
    static final int MAX_TENSOR_NAME_BYTES = 63;
    /// Smallest possible encodings, used to reject counts that cannot fit in the rest of the file.
    private static final int MIN_KV_BYTES = 8 + 4 + 1;
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;

    /// Caps on what a header may declare. The defaults are far above any real model (the largest vocabularies are
    /// a few hundred thousand tokens; headers stay under 100 MB) and far below what would hurt the JVM.
    public record Limits(long maxTensors, long maxKeys, long maxArrayLength, long maxStringBytes, long maxHeaderBytes) {
        public static final Limits DEFAULT = new Limits(1 << 20, 1 << 20, 64L << 20, 64L << 20, 512L << 20);

        public Limits {
            // Bounded so that count × size arithmetic in the reader cannot overflow.
            if (maxTensors < 0 || maxTensors > 1L << 32 || maxKeys < 0 || maxKeys > 1L << 32
                    || maxArrayLength < 0 || maxArrayLength > 1L << 40 || maxStringBytes < 0 || maxStringBytes > Integer.MAX_VALUE - 8
                    || maxHeaderBytes < 0 || maxHeaderBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("GGUF reader limits out of range");
            }
        }
    }

    private final HeaderInput in;
    private final Limits limits;

    private GgufReader(HeaderInput in, Limits limits) {
        this.in = in;
        this.limits = limits;
    }

    /// Reads the header of a local file through positional reads; the tensor data is never touched.
    public static GgufFile read(Path file) throws GgufException {
        try (FileByteSource source = FileByteSource.open(file)) {
            return read(source);
        } catch (NoSuchFileException e) {
            throw new GgufException(Kind.IO, "no such file: " + file, -1, e);
        } catch (AccessDeniedException e) {
            throw new GgufException(Kind.IO, "permission denied: " + file, -1, e);
        } catch (IOException e) {
            throw new GgufException(Kind.IO, "could not read " + file + ": " + e.getMessage(), -1, e);
        }
    }

    public static GgufFile read(ByteSource source) throws GgufException {
        return read(source, Limits.DEFAULT);
    }

    public static GgufFile read(ByteSource source, Limits limits) throws GgufException {
        return new GgufReader(new HeaderInput(source, limits.maxHeaderBytes()), limits).parse();
    }

    private GgufFile parse() throws GgufException {
        in.context = "the magic number";
        int magic = in.i32();
        if (magic != MAGIC) {
            throw new GgufException(Kind.BAD_MAGIC, String.format("not a GGUF file (bad magic 0x%08x; a GGUF file starts with"
                    + " the bytes \"GGUF\", 0x47475546)", Integer.reverseBytes(magic)));
        }
        in.context = "the version";
        int version = in.i32();
        if (version != 2 && version != 3) throw unsupported(version);

        in.context = "the tensor count";
        long tensorCount = in.i64();
        in.context = "the metadata count";
        long kvCount = in.i64();
        checkCap("tensors", tensorCount, limits.maxTensors());
        checkCap("metadata keys", kvCount, limits.maxKeys());
        long need = tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES; // ≤ 2^32 each (see Limits): no overflow
        if (need > in.remaining()) {
            throw new GgufException(Kind.ABSURD_COUNT, "the header declares " + tensorCount + " tensors and " + kvCount
                    + " metadata keys, which need at least " + need + " bytes, but only " + in.remaining()
                    + " bytes follow in the file (damaged or cut short)");
        }

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long index = i;
            in.reserve = (kvCount - i - 1) * MIN_KV_BYTES + tensorCount * MIN_TENSOR_INFO_BYTES;
            in.context = "the name of metadata key #" + i;
            String key = string(() -> "the name of metadata key #" + index);
            if (kv.containsKey(key)) {
                throw new GgufException(Kind.DUPLICATE_KEY, "metadata key " + quote(key) + " appears twice (second time as key #" + i + ")");
            }
            in.context = "key " + quote(key);
            kv.put(key, value(key));
        }
        GgufMetadata metadata = new GgufMetadata(kv);
        long alignment = alignment(metadata);

        List<TensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            in.reserve = (tensorCount - i - 1) * MIN_TENSOR_INFO_BYTES;
            TensorInfo t = tensorInfo(i);
            if (!names.add(t.name())) {
                throw new GgufException(Kind.DUPLICATE_TENSOR, "tensor " + quote(t.name()) + " appears twice (second time as tensor #" + i + ")");
            }
            tensors.add(t);
        }
        in.reserve = 0;
        long headerBytes = in.position();
        long dataOffset = alignUp(headerBytes, alignment);
        TensorLayout.check(tensors, alignment, dataOffset, in.size());
        return new GgufFile(version, metadata, tensors, alignment, dataOffset, headerBytes, in.size());
    }

    private GgufException unsupported(int version) {
        if (version == 1) {
            return new GgufException(Kind.UNSUPPORTED_VERSION, "GGUF version 1 is too old to load; download a newer"
                    + " conversion of this model (version 2 or 3)");
        }
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            return new GgufException(Kind.UNSUPPORTED_VERSION, "big-endian GGUF files are not supported (version field 0x"
                    + Integer.toHexString(version) + "); download the little-endian file");
        }
        return new GgufException(Kind.UNSUPPORTED_VERSION, "unsupported GGUF version " + Integer.toUnsignedString(version)
                + " (this build reads versions 2 and 3)");
    }

    private void checkCap(String what, long count, long cap) throws GgufException {
        if (count < 0 || count > cap) {
            throw new GgufException(Kind.ABSURD_COUNT, "the header declares " + Long.toUnsignedString(count) + " " + what
                    + ", more than the limit of " + cap);
        }
    }

    private GgufValue value(String key) throws GgufException {
        long code = in.u32();
        GgufValue.Type type = valueType(code, key);
        return switch (type) {
            case STRING -> new GgufValue.Str(string(() -> "the value of key " + quote(key)));
            case ARRAY -> array(key);
            default -> PackedList.decode(type, in.bytes(PackedList.width(type)), 0);
        };
    }

    private GgufValue.Type valueType(long code, String key) throws GgufException {
        if (code >= GgufValue.Type.values().length) {
            throw new GgufException(Kind.UNKNOWN_VALUE_TYPE, "key " + quote(key) + " has unknown value type " + code
                    + " (known types are 0 to " + (GgufValue.Type.values().length - 1) + ")");
        }
        return GgufValue.Type.fromCode((int) code);
    }

    private GgufValue array(String key) throws GgufException {
        GgufValue.Type type = valueType(in.u32(), key);
        if (type == GgufValue.Type.ARRAY) {
            throw new GgufException(Kind.UNKNOWN_VALUE_TYPE, "key " + quote(key) + " holds an array of arrays, which"
                    + " GGUF readers (llama.cpp included) do not support");
        }
        long count = in.i64();
        int width = PackedList.width(type);
        int minEach = width > 0 ? width : 8;
        if (count < 0 || count > limits.maxArrayLength()) {
            throw new GgufException(Kind.ABSURD_COUNT, "key " + quote(key) + " declares an array of "
                    + Long.toUnsignedString(count) + " elements, more than the limit of " + limits.maxArrayLength());
        }
        if (count * minEach > in.remaining()) {
            throw new GgufException(Kind.ABSURD_COUNT, "key " + quote(key) + " declares an array of " + count + " "
                    + type + " elements (at least " + count * minEach + " bytes), but only " + in.remaining()
                    + " bytes follow in the file (damaged or cut short)");
        }
        if (width > 0) return new GgufValue.Array(type, new PackedList.Numbers(type, in.bytes(count * width)));

        in.expect(count * 8);
        long outer = in.reserve;
        byte[] blob = new byte[(int) Math.min(1 << 16, count * 8)];
        int[] ends = new int[(int) Math.min(count, 1 << 16)];
        int used = 0;
        for (int i = 0; i < count; i++) {
            int index = i;
            in.reserve = outer + (count - i - 1) * 8;
            byte[] s = stringBytes(() -> "element " + index + " of key " + quote(key));
            if (used + s.length > blob.length) blob = Arrays.copyOf(blob, Math.max(used + s.length, blob.length * 2));
            System.arraycopy(s, 0, blob, used, s.length);
            used += s.length;
            if (i == ends.length) ends = Arrays.copyOf(ends, (int) Math.min(count, ends.length * 2L));
            ends[i] = used;
        }
        in.reserve = outer;
        return new GgufValue.Array(type, new PackedList.Strings(Arrays.copyOf(blob, used), ends));
    }

    private interface Describer {
        String describe();
    }

    private String string(Describer what) throws GgufException {
        return new String(stringBytes(what), StandardCharsets.UTF_8);
    }

    private byte[] stringBytes(Describer what) throws GgufException {
        long start = in.position();
        long len = in.i64();
        if (len < 0 || len > limits.maxStringBytes()) {
            throw new GgufException(Kind.STRING_TOO_LONG, what.describe() + " is a string of " + Long.toUnsignedString(len)
                    + " bytes (at byte " + start + "), more than the limit of " + limits.maxStringBytes());
        }
        byte[] b = in.bytes(len);
        int bad = Utf8.firstInvalid(b, 0, b.length);
        if (bad >= 0) {
            throw new GgufException(Kind.BAD_UTF8, what.describe() + " is not valid UTF-8 (bad byte 0x"
                    + Integer.toHexString(b[bad] & 0xff) + " at file offset " + (start + 8 + bad) + ")");
        }
        return b;
    }

    private long alignment(GgufMetadata metadata) throws GgufException {
        GgufValue v = metadata.get("general.alignment").orElse(null);
        if (v == null) return DEFAULT_ALIGNMENT;
        if (!(v instanceof GgufValue.Int i) || i.type() != GgufValue.Type.UINT32) {
            throw new GgufException(Kind.BAD_ALIGNMENT, "general.alignment must be a UINT32, but it is a " + v.type());
        }
        if (i.value() == 0 || Long.bitCount(i.value()) != 1) {
            throw new GgufException(Kind.BAD_ALIGNMENT, "general.alignment is " + i.value() + "; it must be a power of two");
        }
        return i.value();
    }

    private TensorInfo tensorInfo(long index) throws GgufException {
        in.context = "the name of tensor #" + index;
        byte[] nameBytes = stringBytes(() -> "the name of tensor #" + index);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if (nameBytes.length > MAX_TENSOR_NAME_BYTES) {
            throw new GgufException(Kind.STRING_TOO_LONG, "tensor " + quote(name) + " has a name of " + nameBytes.length
                    + " bytes; llama.cpp allows at most " + MAX_TENSOR_NAME_BYTES);
        }
        in.context = "tensor " + quote(name);
        long dims = in.u32();
        if (dims == 0 || dims > 4) {
            throw new GgufException(Kind.BAD_SHAPE, "tensor " + quote(name) + " has " + dims + " dimensions; it must have 1 to 4");
        }
        long[] shape = new long[(int) dims];
        for (int d = 0; d < dims; d++) shape[d] = in.i64();
        long typeId = in.u32();
        long offset = in.i64();
        GgmlType type = typeId < 64 ? GgmlType.fromId((int) typeId).orElse(null) : null;
        if (type == null) {
            throw new GgufException(Kind.UNKNOWN_TENSOR_TYPE, "tensor " + quote(name) + " has unknown type " + typeId
                    + " (a newer quantization than this build knows, or a damaged file)");
        }
        return new TensorInfo(name, type, shape, offset, TensorLayout.bytes(name, type, shape));
    }

    static long alignUp(long n, long alignment) {
        return Math.addExact(n, alignment - 1) & -alignment;
    }

    /// A name from the file made safe to print: control characters escaped, long names shortened.
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c));
            else b.appendCodePoint(c);
        });
        if (s.codePointCount(0, s.length()) > 100) b.append("…");
        return b.append('\'').toString();
    }
}
