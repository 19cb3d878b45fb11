package dev.karuku.engine.gguf;

/// Strict UTF-8 validation without decoding: rejects overlong forms, surrogates and code points past U+10FFFF, as
/// the GGUF specification requires of every string.
final class Utf8 {

    private Utf8() {}

    /// Index of the first byte of the first invalid sequence in `b[from, to)`, or -1 when all of it is valid.
    static int firstInvalid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
            else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
            else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
            else return i;
            if (i + n >= to) return i;
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) return i;
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
            i += n + 1;
        }
        return -1;
    }
}
