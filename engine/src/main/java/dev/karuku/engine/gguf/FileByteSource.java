package dev.karuku.engine.gguf;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/// A local file read by positional reads on a [FileChannel]: the reader pulls only the header through a small
/// window, so a 40 GB model costs a few kilobytes of heap and no page-cache churn over its tensor data.
public final class FileByteSource implements ByteSource, Closeable {

    private final FileChannel channel;
    private final long size;

    private FileByteSource(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    public static FileByteSource open(Path file) throws IOException {
        return new FileByteSource(FileChannel.open(file, StandardOpenOption.READ));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) throws IOException {
        if (position >= size) return -1;
        return channel.read(ByteBuffer.wrap(dst, off, len), position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
