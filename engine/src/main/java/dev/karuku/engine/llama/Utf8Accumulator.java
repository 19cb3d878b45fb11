package dev.karuku.engine.llama;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// Turns token pieces (raw bytes) into whole characters.
///
/// A token is not a character: byte-fallback vocabularies spell `日` as three tokens `<0xE6>` `<0x97>` `<0xA5>`,
/// and BPE merges split multi-byte sequences anywhere. Decoding each piece on its own would print U+FFFD garbage,
/// so an incomplete sequence at the end is held back until the bytes that complete it arrive. Malformed bytes
/// (never completable) become U+FFFD rather than blocking the stream.
final class Utf8Accumulator {

    private byte[] buf = new byte[64];
    private int len;

    /// Adds bytes; returns the text of every character now complete ("" when none).
    String append(byte[] bytes, int off, int n) {
        ensure(len + n);
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
        int complete = completePrefix(buf, len);
        if (complete == 0) return "";
        String s = new String(buf, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(buf, complete, buf, 0, len - complete);
        len -= complete;
        return s;
    }

    String append(byte[] bytes) {
        return append(bytes, 0, bytes.length);
    }

    /// Whatever is held back, decoded as is (an incomplete sequence becomes U+FFFD); empties the buffer.
    String flush() {
        String s = new String(buf, 0, len, StandardCharsets.UTF_8);
        len = 0;
        return s;
    }

    boolean isEmpty() {
        return len == 0;
    }

    /// Length of the longest prefix that does not end inside an incomplete-but-completable sequence.
    static int completePrefix(byte[] b, int len) {
        // Look back at most 3 bytes for the lead byte of the last sequence.
        for (int i = len - 1; i >= Math.max(0, len - 4); i--) {
            int c = b[i] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // continuation byte: keep looking for its lead
            int need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
            return len - i < need ? i : len;
        }
        return len; // only stray continuation bytes: malformed, let the decoder replace them
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
    }
}
