package dev.karuku.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.karuku.engine.gguf.GgufValue.Type;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// What the writer writes, the reader reads back exactly; and the reader never needs the tensor data.
class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyValueTypeAndArrayReadsBackExactly() throws Exception {
        Map<String, GgufValue> values = new java.util.LinkedHashMap<>();
        values.put("u8", new GgufValue.Int(Type.UINT8, 255));
        values.put("i8", new GgufValue.Int(Type.INT8, -128));
        values.put("u16", new GgufValue.Int(Type.UINT16, 65535));
        values.put("i16", new GgufValue.Int(Type.INT16, -32768));
        values.put("u32", new GgufValue.Int(Type.UINT32, 4294967295L));
        values.put("i32", new GgufValue.Int(Type.INT32, Integer.MIN_VALUE));
        values.put("u64", new GgufValue.Int(Type.UINT64, -1L));
        values.put("i64", new GgufValue.Int(Type.INT64, Long.MIN_VALUE));
        values.put("f32", new GgufValue.Real(Type.FLOAT32, 1e-5f));
        values.put("f64", new GgufValue.Real(Type.FLOAT64, Math.PI));
        values.put("bool", new GgufValue.Bool(true));
        values.put("str", new GgufValue.Str("軽く — karuku"));
        values.put("empty", new GgufValue.Str(""));
        values.put("strs", new GgufValue.Array(Type.STRING, List.of(new GgufValue.Str("<s>"), new GgufValue.Str(""), new GgufValue.Str("▁日本"))));
        values.put("u8s", new GgufValue.Array(Type.UINT8, List.of(new GgufValue.Int(Type.UINT8, 0), new GgufValue.Int(Type.UINT8, 200))));
        values.put("i16s", new GgufValue.Array(Type.INT16, List.of(new GgufValue.Int(Type.INT16, -2))));
        values.put("u32s", new GgufValue.Array(Type.UINT32, List.of(new GgufValue.Int(Type.UINT32, 3000000000L))));
        values.put("i64s", new GgufValue.Array(Type.INT64, List.of(new GgufValue.Int(Type.INT64, -7))));
        values.put("u64s", new GgufValue.Array(Type.UINT64, List.of(new GgufValue.Int(Type.UINT64, 1L << 63))));
        values.put("f32s", new GgufValue.Array(Type.FLOAT32, List.of(new GgufValue.Real(Type.FLOAT32, -0.5f), new GgufValue.Real(Type.FLOAT32, 3.25f))));
        values.put("f64s", new GgufValue.Array(Type.FLOAT64, List.of(new GgufValue.Real(Type.FLOAT64, 1e300))));
        values.put("bools", new GgufValue.Array(Type.BOOL, List.of(new GgufValue.Bool(false), new GgufValue.Bool(true))));
        values.put("none", new GgufValue.Array(Type.INT32, List.of()));
        GgufWriter w = new GgufWriter();
        values.forEach(w::put);
        Path file = dir.resolve("all.gguf");
        w.write(file);

        GgufFile f = GgufReader.read(file);
        assertThat(f.version()).isEqualTo(3);
        assertThat(f.metadata().asMap()).containsExactlyEntriesOf(values);
        assertThat(f.metadata().keys()).containsExactlyElementsOf(values.keySet());
        assertThat(f.metadata().integers("u32s")).containsExactly(3000000000L);
        assertThat(f.tensors()).isEmpty();
    }

    @Test
    void tensorsAreAlignedAndTheirDataLandsWhereTheHeaderSays() throws Exception {
        float[] a = {1f, -2f, 0.5f, 65504f, 1e-3f, 0f, -0f, 3f};
        Path file = dir.resolve("t.gguf");
        long size = new GgufWriter().alignment(64).putString("general.architecture", "llama")
                .tensor("a", GgmlType.F32, new long[] {8}, GgufWriter.TensorData.of(a))
                .tensor("b", GgmlType.F16, new long[] {4, 2}, GgufWriter.TensorData.of(a))
                .tensor("c", GgmlType.F32, new long[] {3}, GgufWriter.TensorData.constant(1f))
                .write(file);
        GgufFile f = GgufReader.read(file);
        assertThat(f.alignment()).isEqualTo(64);
        assertThat(f.dataOffset() % 64).isZero();
        assertThat(f.dataOffset()).isGreaterThanOrEqualTo(f.headerBytes()).isLessThan(f.headerBytes() + 64);
        assertThat(f.tensors()).extracting(TensorInfo::name, TensorInfo::type, TensorInfo::offset, TensorInfo::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", GgmlType.F32, 0L, 32L),
                        org.assertj.core.groups.Tuple.tuple("b", GgmlType.F16, 64L, 16L),
                        org.assertj.core.groups.Tuple.tuple("c", GgmlType.F32, 128L, 12L));
        assertThat(f.fileSize()).isEqualTo(size).isEqualTo(f.dataOffset() + 128 + 12);

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            assertThat(bytes.getFloat((int) f.dataOffset() + 4 * i)).isEqualTo(a[i]);
            assertThat(Float.float16ToFloat(bytes.getShort((int) f.dataOffset() + 64 + 2 * i))).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(a[i])));
        }
    }

    @Test
    void aPrefixTooShortSaysHowManyBytesToFetchAndThoseSuffice() throws Exception {
        Path file = TestModels.successor(dir.resolve("s.gguf"));
        byte[] all = Files.readAllBytes(file);
        GgufFile full = GgufReader.read(file);

        // Cut inside the last tensor info: the bytes needed are exactly the header.
        GgufException e = truncated(Arrays.copyOf(all, (int) full.headerBytes() - 3), all.length);
        assertThat(e.neededBytes()).isEqualTo(full.headerBytes());
        GgufFile fromPrefix = GgufReader.read(new PrefixByteSource(Arrays.copyOf(all, (int) e.neededBytes()), all.length));
        assertThat(fromPrefix).isEqualTo(full);

        // From a tiny first fetch, following neededBytes reaches a full parse in a few rounds.
        int fetch = 16;
        int rounds = 0;
        GgufFile parsed = null;
        while (parsed == null) {
            rounds++;
            try {
                parsed = GgufReader.read(new PrefixByteSource(Arrays.copyOf(all, fetch)));
            } catch (GgufException t) {
                assertThat(t.kind()).isEqualTo(GgufException.Kind.TRUNCATED);
                assertThat(t.neededBytes()).isGreaterThan(fetch).isLessThanOrEqualTo(full.headerBytes());
                fetch = (int) t.neededBytes();
            }
        }
        assertThat(parsed.metadata().asMap()).isEqualTo(full.metadata().asMap());
        assertThat(parsed.tensors()).isEqualTo(full.tensors());
        assertThat(parsed.fileSize()).isEqualTo(-1);
        assertThat(rounds).isLessThan(30);
    }

    private static GgufException truncated(byte[] prefix, long total) {
        try {
            GgufReader.read(new PrefixByteSource(prefix, total));
        } catch (GgufException e) {
            assertThat(e.kind()).isEqualTo(GgufException.Kind.TRUNCATED);
            return e;
        }
        throw new AssertionError("a short prefix was parsed");
    }

    @Test
    void aFileWithHugeTensorDataIsParsedFromItsHeaderAlone() throws Exception {
        // 16 GiB of declared F32 data in a sparse file: reading it would take minutes, so passing proves we don't.
        Path file = dir.resolve("huge.gguf");
        long rows = 1L << 20;
        new GgufWriter().putString("general.architecture", "llama").write(file);
        byte[] header = RawGguf.header(1, 1).kvString("general.architecture", "llama")
                .tensor("token_embd.weight", GgmlType.F32.id(), 0, 4096, rows).build();
        long dataOffset = GgufReader.alignUp(header.length, 32);
        long total = dataOffset + 4096 * rows * 4;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.write(header);
            raf.setLength(total);
        }
        GgufFile f = GgufReader.read(file);
        assertThat(f.tensorBytes()).isEqualTo(16L << 30);
        assertThat(f.fileSize()).isEqualTo(total);
        assertThat(f.dataOffset()).isEqualTo(dataOffset);

        // One byte short of the declared data: the download is incomplete.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(total - 1);
        }
        assertThatThrownBy(() -> GgufReader.read(file)).isInstanceOfSatisfying(GgufException.class,
                e -> assertThat(e.kind()).isEqualTo(GgufException.Kind.OFFSET_PAST_END));
    }

    @Test
    void aMissingFileIsAnIoProblemNamingTheFile() {
        Path missing = dir.resolve("missing.gguf");
        assertThatThrownBy(() -> GgufReader.read(missing)).isInstanceOfSatisfying(GgufException.class,
                e -> assertThat(e.kind()).isEqualTo(GgufException.Kind.IO)).hasMessage("no such file: " + missing);
    }

    @Test
    void writingReplacesTheTargetOnlyWhenComplete() throws Exception {
        Path file = dir.resolve("m.gguf");
        Files.writeString(file, "precious");
        GgufWriter w = new GgufWriter().tensor("t", GgmlType.F32, new long[] {4}, (start, dst, len) -> {
            throw new IllegalStateException("generator failed");
        });
        assertThatThrownBy(() -> w.write(file)).hasMessage("generator failed");
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(dir.resolve("m.gguf.part")).doesNotExist();
    }
}
