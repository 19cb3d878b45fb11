package dev.karuku.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.karuku.engine.gguf.GgufException.Kind;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/// Every way a hostile or damaged header can be wrong gets its own [Kind] and a message naming the culprit.
class GgufReaderRejectsTest {

    private static final int F32 = GgmlType.F32.id();

    private static GgufFile read(byte[] b) throws GgufException {
        return GgufReader.read(new PrefixByteSource(b, b.length));
    }

    private static AbstractThrowableAssert<?, ?> rejects(byte[] b, Kind kind) {
        return assertThatThrownBy(() -> read(b)).isInstanceOfSatisfying(GgufException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void anElfBinaryIsNotAGgufFile() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        rejects(elf, Kind.BAD_MAGIC).hasMessageStartingWith("not a GGUF file (bad magic 0x7f454c46");
    }

    @Test
    void versionOneAndFutureVersionsAreUnsupported() {
        rejects(new RawGguf().u32(GgufReader.MAGIC).u32(1).u64(0).u64(0).build(), Kind.UNSUPPORTED_VERSION)
                .hasMessageContaining("version 1 is too old");
        rejects(new RawGguf().u32(GgufReader.MAGIC).u32(4).u64(0).u64(0).build(), Kind.UNSUPPORTED_VERSION)
                .hasMessageContaining("unsupported GGUF version 4");
        rejects(new RawGguf().u32(GgufReader.MAGIC).u32(0x03000000).u64(0).u64(0).build(), Kind.UNSUPPORTED_VERSION)
                .hasMessageContaining("big-endian");
    }

    @Test
    void versionTwoIsRead() throws GgufException {
        GgufFile f = read(new RawGguf().u32(GgufReader.MAGIC).u32(2).u64(0).u64(1).kvString("general.architecture", "llama").build());
        assertThat(f.version()).isEqualTo(2);
        assertThat(f.architecture()).contains("llama");
    }

    @Test
    void aHeaderCutShortIsTruncatedWithTheBytesNeeded() {
        byte[] b = RawGguf.header(0, 1).kvString("general.name", "abcdef").build();
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 3);
        rejects(cut, Kind.TRUNCATED).hasMessageContaining("key 'general.name'")
                .satisfies(e -> assertThat(((GgufException) e).neededBytes()).isEqualTo(b.length));
    }

    @Test
    void tensorAndKeyCountsBeyondTheCapsOrTheFileAreAbsurd() {
        rejects(RawGguf.header(1L << 40, 0).build(), Kind.ABSURD_COUNT).hasMessageContaining("1099511627776 tensors");
        rejects(RawGguf.header(0, -1).build(), Kind.ABSURD_COUNT).hasMessageContaining("18446744073709551615 metadata keys");
        rejects(RawGguf.header(1000, 0).build(), Kind.ABSURD_COUNT)
                .hasMessageContaining("1000 tensors and 0 metadata keys, which need at least 33000 bytes, but only 0 bytes follow");
        rejects(RawGguf.header(0, 500_000).u64(0).build(), Kind.ABSURD_COUNT).hasMessageContaining("500000 metadata keys");
    }

    @Test
    void arrayLengthsBeyondTheCapOrTheFileAreAbsurd() {
        rejects(RawGguf.header(0, 1).str("tokenizer.ggml.scores").u32(9).u32(6).u64(1L << 62).build(), Kind.ABSURD_COUNT)
                .hasMessageContaining("key 'tokenizer.ggml.scores' declares an array of 4611686018427387904 elements");
        rejects(RawGguf.header(0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(1_000_000).build(), Kind.ABSURD_COUNT)
                .hasMessageContaining("key 'tokenizer.ggml.tokens' declares an array of 1000000 STRING elements");
    }

    @Test
    void aHugeDeclaredArrayOfUnknownLengthSourceStopsAtTheEndOfTheBytes() {
        // Size unknown: the count is within the cap, so the reader must find out by reading; it stops at the end.
        byte[] b = RawGguf.header(0, 1).str("k").u32(9).u32(10).u64(60_000_000).u64(1).u64(2).build();
        assertThatThrownBy(() -> GgufReader.read(new PrefixByteSource(b)))
                .isInstanceOfSatisfying(GgufException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
                    assertThat(e.neededBytes()).isGreaterThan(b.length);
                });
        byte[] s = RawGguf.header(0, 1).str("k").u32(9).u32(8).u64(60_000_000).str("x").build();
        assertThatThrownBy(() -> GgufReader.read(new PrefixByteSource(s)))
                .isInstanceOfSatisfying(GgufException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
    }

    @Test
    void stringsLongerThanTheCapAreRejected() {
        rejects(RawGguf.header(0, 1).str("general.name").u32(8).u64(1L << 40).build(), Kind.STRING_TOO_LONG)
                .hasMessageContaining("the value of key 'general.name' is a string of 1099511627776 bytes");
        rejects(RawGguf.header(0, 1).u64(-2).u64(0).build(), Kind.STRING_TOO_LONG).hasMessageContaining("metadata key #0");
    }

    @Test
    void invalidUtf8IsRejectedNamingTheKey() {
        byte[] overlong = {(byte) 0xc0, (byte) 0xaf};
        rejects(RawGguf.header(0, 1).str("general.name").u32(8).bytes(overlong).build(), Kind.BAD_UTF8)
                .hasMessageContaining("key 'general.name'").hasMessageContaining("0xc0");
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        rejects(RawGguf.header(0, 1).bytes(surrogate).u32(4).u32(1).build(), Kind.BAD_UTF8);
        byte[] cutShort = {'a', (byte) 0xe3, (byte) 0x81};
        rejects(RawGguf.header(0, 1).str("k").u32(8).bytes(cutShort).build(), Kind.BAD_UTF8);
    }

    @Test
    void validUtf8IncludingJapaneseIsAccepted() throws GgufException {
        GgufFile f = read(RawGguf.header(0, 1).kvString("general.name", "軽く 🦙").build());
        assertThat(f.metadata().string("general.name")).contains("軽く 🦙");
    }

    @Test
    void unknownValueTypesAndNestedArraysAreRejected() {
        rejects(RawGguf.header(0, 1).str("x").u32(13).build(), Kind.UNKNOWN_VALUE_TYPE)
                .hasMessageContaining("key 'x' has unknown value type 13");
        rejects(RawGguf.header(0, 1).str("x").u32(9).u32(9).u64(0).build(), Kind.UNKNOWN_VALUE_TYPE)
                .hasMessageContaining("array of arrays");
    }

    @Test
    void duplicateKeysAndTensorsAreRejected() {
        rejects(RawGguf.header(0, 2).kvU32("a.b", 1).kvU32("a.b", 2).build(), Kind.DUPLICATE_KEY)
                .hasMessageContaining("'a.b' appears twice");
        rejects(RawGguf.header(2, 0).tensor("w", F32, 0, 8).tensor("w", F32, 32, 8).data(32, 64).build(),
                Kind.DUPLICATE_TENSOR).hasMessageContaining("tensor 'w' appears twice");
    }

    @Test
    void unknownTensorTypesAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("blk.0.attn_q.weight", 4, 0, 32).data(32, 64).build(), Kind.UNKNOWN_TENSOR_TYPE)
                .hasMessageContaining("tensor 'blk.0.attn_q.weight' has unknown type 4");
        rejects(RawGguf.header(1, 0).tensor("t", 99999, 0, 32).data(32, 64).build(), Kind.UNKNOWN_TENSOR_TYPE);
    }

    @Test
    void badShapesAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0).data(32, 64).build(), Kind.BAD_SHAPE)
                .hasMessageContaining("tensor 't' has 0 dimensions");
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, 1, 1, 1, 1, 1).data(32, 64).build(), Kind.BAD_SHAPE)
                .hasMessageContaining("5 dimensions");
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, 4, 0).data(32, 64).build(), Kind.BAD_SHAPE)
                .hasMessageContaining("dimension 1 is 0");
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, -5).data(32, 64).build(), Kind.BAD_SHAPE)
                .hasMessageContaining("dimension 0 is 18446744073709551611");
        rejects(RawGguf.header(1, 0).tensor("q", GgmlType.Q8_0.id(), 0, 48).data(32, 64).build(), Kind.BAD_SHAPE)
                .hasMessageContaining("rows of 48 elements, not a multiple of its block size 32");
    }

    @Test
    void shapesWhoseSizeOverflowsAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, 1L << 32, 1L << 32).data(32, 64).build(), Kind.SHAPE_OVERFLOW)
                .hasMessageContaining("tensor 't'");
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, 1L << 62).data(32, 64).build(), Kind.SHAPE_OVERFLOW);
    }

    @Test
    void overlongTensorNamesAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("x".repeat(64), F32, 0, 8).data(32, 64).build(), Kind.STRING_TOO_LONG)
                .hasMessageContaining("name of 64 bytes");
    }

    @Test
    void badAlignmentIsRejected() {
        rejects(RawGguf.header(0, 1).kvU32("general.alignment", 0).build(), Kind.BAD_ALIGNMENT)
                .hasMessageContaining("general.alignment is 0");
        rejects(RawGguf.header(0, 1).kvU32("general.alignment", 48).build(), Kind.BAD_ALIGNMENT)
                .hasMessageContaining("general.alignment is 48; it must be a power of two");
        rejects(RawGguf.header(0, 1).kvString("general.alignment", "32").build(), Kind.BAD_ALIGNMENT)
                .hasMessageContaining("must be a UINT32");
    }

    @Test
    void misalignedTensorsAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("t", F32, 4, 8).data(32, 64).build(), Kind.MISALIGNED)
                .hasMessageContaining("tensor 't' starts at data offset 4, which is not a multiple of the alignment 32");
    }

    @Test
    void tensorsPastTheEndOfTheFileAreRejected() {
        rejects(RawGguf.header(1, 0).tensor("t", F32, 0, 64).data(32, 100).build(), Kind.OFFSET_PAST_END)
                .hasMessageContaining("tensor 't' (256 bytes at data offset 0)");
        rejects(RawGguf.header(1, 0).tensor("t", F32, 1L << 62, 8).data(32, 64).build(), Kind.OFFSET_PAST_END);
    }

    @Test
    void aTensorWhoseOffsetPlusSizeWrapsPast2To64IsRejected() {
        // offset 2^63 - 32 and size 2^63 - 4 each fit in 63 bits; with the 64-byte header before the data their sum
        // wraps past 2^64 to byte 28 of the file
        rejects(RawGguf.header(1, 0).tensor("t", F32, Long.MAX_VALUE - 31, (1L << 61) - 1)
                .data(32, 64).build(), Kind.OFFSET_PAST_END).hasMessageContaining("tensor 't'");
    }

    @Test
    void overlappingTensorsAreRejected() {
        rejects(RawGguf.header(2, 0).tensor("a", F32, 0, 16).tensor("b", F32, 32, 16).data(32, 128).build(),
                Kind.OVERLAPPING_TENSORS).hasMessageContaining("'a' (data offset 0, 64 bytes) and 'b' (data offset 32) overlap");
    }

    @Test
    void headersLargerThanTheCapAreRejected() {
        byte[] b = RawGguf.header(0, 1).kvString("general.name", "x".repeat(2000)).build();
        GgufReader.Limits small = new GgufReader.Limits(10, 10, 10, 1 << 20, 1024);
        assertThatThrownBy(() -> GgufReader.read(new PrefixByteSource(b, b.length), small))
                .isInstanceOfSatisfying(GgufException.class, e -> assertThat(e.kind()).isEqualTo(Kind.HEADER_TOO_LARGE))
                .hasMessageContaining("larger than 1024 bytes");
    }

    @Test
    void namesInMessagesAreMadeSafeToPrint() {
        rejects(RawGguf.header(0, 2).kvU32("a\u001b[2Jb", 1).kvU32("a\u001b[2Jb", 1).build(), Kind.DUPLICATE_KEY)
                .hasMessageContaining("'a\\x1b[2Jb'");
    }
}
