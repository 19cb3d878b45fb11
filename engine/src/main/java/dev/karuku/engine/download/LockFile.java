package dev.karuku.engine.download;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/// An exclusive lock on a file, held against other Karuku processes (the app and `karuku pull`, or two apps) and
/// against other threads of this one. The OS releases it when the process dies, even by `kill -9`, so a crashed
/// download never leaves its job locked.
///
/// The JVM allows one `FileLock` per file and process (a second throws), so holders in this process queue on a
/// semaphore first and only the one that gets it asks the OS.
final class LockFile implements AutoCloseable {

    private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

    private final Semaphore local;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Semaphore local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /// Waits until the lock is free. Interrupting the waiting thread gives up with an `InterruptedIOException`.
    static LockFile acquire(Path file) throws IOException {
        Semaphore local = semaphore(file);
        try {
            local.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + file.getFileName());
        }
        return lockOrRelease(local, file, true).orElseThrow();
    }

    /// The lock when it is free now, else empty (another process or thread holds it).
    static Optional<LockFile> tryAcquire(Path file) throws IOException {
        Semaphore local = semaphore(file);
        if (!local.tryAcquire()) return Optional.empty();
        return lockOrRelease(local, file, false);
    }

    private static Optional<LockFile> lockOrRelease(Semaphore local, Path file, boolean wait) throws IOException {
        FileChannel ch = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = wait ? ch.lock() : ch.tryLock();
            if (l == null) {
                ch.close();
                local.release();
                return Optional.empty();
            }
            return Optional.of(new LockFile(local, ch, l));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the lock was never taken
                }
            }
            local.release();
            if (e instanceof OverlappingFileLockException) throw new IOException("lock " + file + " is held twice in this process", e);
            throw e;
        }
    }

    private static Semaphore semaphore(Path file) {
        return IN_PROCESS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Semaphore(1));
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock either way
        } finally {
            local.release();
        }
    }
}
