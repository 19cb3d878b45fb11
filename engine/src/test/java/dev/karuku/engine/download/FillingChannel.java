package dev.karuku.engine.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/// A real file channel standing in for a disk with `capacity` bytes: writes past it fail with the JDK's
/// "No space left on device" (simulated; a real small file system needs root to mount).
final class FillingChannel extends FileChannel {

    private final FileChannel real;
    private final long capacity;

    FillingChannel(FileChannel real, long capacity) {
        this.real = real;
        this.capacity = capacity;
    }

    private void room(long position, int len) throws IOException {
        if (position + len > capacity) throw new IOException("No space left on device");
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
    @Override public int write(ByteBuffer src) throws IOException { room(real.position(), src.remaining()); return real.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { throw new IOException("No space left on device"); }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public FileChannel truncate(long size) throws IOException { real.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { real.force(metaData); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return real.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { throw new IOException("No space left on device"); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException { room(position, src.remaining()); return real.write(src, position); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return real.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
}
