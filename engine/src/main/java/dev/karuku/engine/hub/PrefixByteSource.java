package dev.karuku.engine.hub;

import dev.karuku.engine.gguf.ByteSource;

/// The first bytes of a remote file, which ends (for the reader) where the fetched prefix ends; `size()` is the
/// whole remote file's size so offsets can be checked against it.
record PrefixByteSource(byte[] prefix, int length, long size) implements ByteSource {

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0) throw new IllegalArgumentException("negative position");
        if (position >= length) return -1;
        int n = (int) Math.min(len, length - position);
        System.arraycopy(prefix, (int) position, dst, off, n);
        return n;
    }
}
