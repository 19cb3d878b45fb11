package dev.karuku.engine.gguf;

import java.io.IOException;

/// Random-access bytes a GGUF header is read from: a local file, or the prefix of a remote file fetched by range
/// requests. The reader asks only for header bytes, never for tensor data.
public interface ByteSource {

    /// Total length of the underlying file, or -1 when unknown.
    long size() throws IOException;

    /// Reads up to `len` bytes at `position` into `dst[off…]`; returns the count read, or -1 at the end of the
    /// available bytes. A remote prefix source returns -1 past its prefix: the reader then reports
    /// [GgufException.Kind#TRUNCATED] with the number of bytes it needed, so the caller can fetch more.
    int read(long position, byte[] dst, int off, int len) throws IOException;
}
