package dev.karuku.engine.gguf;

import java.util.Objects;

/// The first bytes of a file held in memory, e.g. fetched from a remote file with an HTTP range request.
///
/// Reads past the prefix return -1, so the reader reports [GgufException.Kind#TRUNCATED] with the number of bytes
/// it needed; fetch that many and try again. Pass the remote file's total size when it is known (from
/// `Content-Range`): the reader then also checks that tensor data fits in the file.
///
/// @param prefix    the bytes from offset 0; not copied, so do not change them while reading
/// @param totalSize the whole file's size, or -1 when unknown
public record PrefixByteSource(byte[] prefix, long totalSize) implements ByteSource {

    public PrefixByteSource {
        Objects.requireNonNull(prefix, "prefix");
        if (totalSize >= 0 && totalSize < prefix.length) {
            throw new IllegalArgumentException("total size " + totalSize + " is smaller than the prefix (" + prefix.length + " bytes)");
        }
    }

    /// A prefix of a file whose total size is unknown.
    public PrefixByteSource(byte[] prefix) {
        this(prefix, -1);
    }

    @Override
    public long size() {
        return totalSize;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) {
        if (position < 0 || position >= prefix.length) return -1;
        int n = (int) Math.min(len, prefix.length - position);
        System.arraycopy(prefix, (int) position, dst, off, n);
        return n;
    }
}
