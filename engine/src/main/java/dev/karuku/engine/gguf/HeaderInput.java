package dev.karuku.engine.gguf;

import dev.karuku.engine.gguf.GgufException.Kind;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/// Little-endian reads of a GGUF header through a buffered window over a [ByteSource].
///
/// One positional read fetches 64 KiB, so parsing a header of a hundred thousand tiny fields costs a handful of
/// system calls. Every read checks the header-size cap first and reports a short source as
/// [Kind#TRUNCATED] with the total number of bytes from the start of the file that were needed.
final class HeaderInput {

    private static final int WINDOW = 64 * 1024;
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteSource source;
    private final long size;
    private final long maxHeaderBytes;
    private final byte[] window = new byte[WINDOW];
    private long windowStart;
    private int windowLength;
    private long position;
    /// What is being read, for messages: "the header", "key 'x'", "tensor 'y'".
    String context = "the header";
    /// The fewest bytes the rest of the header can take after the current field (remaining keys, elements and
    /// tensor infos at their smallest encodings), added to a [Kind#TRUNCATED] report so a remote reader fetches
    /// enough in a few rounds rather than one round per string.
    long reserve;

    HeaderInput(ByteSource source, long maxHeaderBytes) throws GgufException {
        this.source = source;
        this.maxHeaderBytes = maxHeaderBytes;
        try {
            this.size = source.size();
        } catch (IOException e) {
            throw io(e);
        }
    }

    long position() {
        return position;
    }

    /// The file size, or -1 when the source does not know it.
    long size() {
        return size;
    }

    /// Bytes left in the file after the current position, or `Long.MAX_VALUE` when the size is unknown.
    long remaining() {
        return size < 0 ? Long.MAX_VALUE : Math.max(0, size - position);
    }

    int u8() throws GgufException {
        fill(1);
        return window[(int) (position++ - windowStart)] & 0xff;
    }

    int i32() throws GgufException {
        fill(4);
        int v = (int) I32.get(window, (int) (position - windowStart));
        position += 4;
        return v;
    }

    long u32() throws GgufException {
        return i32() & 0xffffffffL;
    }

    long i64() throws GgufException {
        fill(8);
        long v = (long) I64.get(window, (int) (position - windowStart));
        position += 8;
        return v;
    }

    /// Checks that `n` more bytes may be read: within the header cap, and within the file when its size is known.
    void expect(long n) throws GgufException {
        long end = position + n;
        if (n < 0 || end < 0 || end > maxHeaderBytes) {
            throw new GgufException(Kind.HEADER_TOO_LARGE, "the GGUF header would be larger than "
                    + maxHeaderBytes + " bytes while reading " + context + " (at byte " + position + ", "
                    + Long.toUnsignedString(n) + " more bytes); no real model has a header this large");
        }
        if (size >= 0 && end > size) throw truncated(end + reserve, "the file is " + size + " bytes long");
    }

    /// Reads `n` bytes (`n` already checked against the caps). Memory grows with the bytes actually present, so a
    /// hostile length on a source of unknown size cannot make us allocate more than the source really holds.
    byte[] bytes(long n) throws GgufException {
        expect(n);
        int len = Math.toIntExact(n);
        byte[] out = new byte[Math.min(len, WINDOW * 16)];
        int done = 0;
        while (done < len) {
            if (done == out.length) out = Arrays.copyOf(out, (int) Math.min(len, (long) out.length * 2));
            int chunk = Math.min(out.length - done, WINDOW);
            fill(Math.min(chunk, WINDOW));
            int avail = (int) Math.min(chunk, windowStart + windowLength - position);
            System.arraycopy(window, (int) (position - windowStart), out, done, avail);
            position += avail;
            done += avail;
        }
        return out;
    }

    /// Makes `n` (≤ window size) bytes at the current position available in the window.
    private void fill(int n) throws GgufException {
        if (position >= windowStart && position + n <= windowStart + windowLength) return;
        expect(n);
        int keep = (int) Math.max(0, windowStart + windowLength - position);
        if (keep > 0) System.arraycopy(window, (int) (position - windowStart), window, 0, keep);
        windowStart = position;
        windowLength = keep;
        try {
            while (windowLength < n) {
                int r = source.read(windowStart + windowLength, window, windowLength, WINDOW - windowLength);
                if (r < 0) throw truncated(position + n + reserve, "only the first " + (windowStart + windowLength) + " bytes were available");
                windowLength += r;
            }
        } catch (IOException e) {
            throw io(e);
        }
    }

    private GgufException truncated(long needed, String have) {
        return new GgufException(Kind.TRUNCATED, "the GGUF header is cut short: reading " + context + " needs the first "
                + needed + " bytes, but " + have, needed, null);
    }

    private GgufException io(IOException e) {
        return new GgufException(Kind.IO, "could not read the GGUF header: " + e.getMessage(), -1, e);
    }
}
