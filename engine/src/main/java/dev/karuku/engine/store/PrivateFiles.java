package dev.karuku.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/// The user's own files in the data folder — chats, settings (with the Hub token), the model and download lists,
/// logs: readable by their owner only where the file system has POSIX permissions, and replaced atomically so a
/// crash or a full disk leaves the old file or the new one, never half of one.
public final class PrivateFiles {

    private PrivateFiles() {}

    /// Creates `dir` and any missing parents; the folders it creates are `rwx------`.
    public static Path createDirectories(Path dir) throws IOException {
        return posix(dir) ? Files.createDirectories(dir, dirAttribute()) : Files.createDirectories(dir);
    }

    /// Replaces `file` with `bytes`: written to a `rw-------` temporary file beside it, forced to the disk, then
    /// renamed over it. A file left broader by an older version becomes owner-only too.
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) createDirectories(parent);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            // without this a rename can reach the disk before the data: after a power cut the file is empty
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /// Keeps a copy of a damaged `file` (its `bytes` as read) before anything replaces it: `name.broken`, or the next
    /// free `name.broken-N` when an older damaged copy with other content is there. Returns the copy.
    public static Path keepAside(Path file, byte[] bytes) throws IOException {
        for (int i = 1; ; i++) {
            Path aside = file.resolveSibling(file.getFileName() + ".broken" + (i == 1 ? "" : "-" + i));
            if (!Files.exists(aside)) {
                writeAtomically(aside, bytes);
                return aside;
            }
            if (java.util.Arrays.equals(Files.readAllBytes(aside), bytes)) return aside;
        }
    }

    /// Opens `file` for appending, creating it `rw-------`; an existing file is made owner-only.
    public static FileChannel openForAppend(Path file) throws IOException {
        FileChannel ch = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        restrict(file);
        return ch;
    }

    /// Makes an existing file `rw-------` (a no-op where there are no POSIX permissions or the file is not ours).
    public static void restrict(Path file) {
        if (!posix(file)) return;
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // another user's file or a file system that refuses: reading and writing still work
        }
    }

    /// The last byte of `file`, or -1 when it is empty or missing.
    public static int lastByte(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return -1;
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ)) {
            if (ch.size() == 0) return -1;
            ch.position(ch.size() - 1);
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b) == 1 ? b.get(0) & 0xff : -1;
        }
    }

    private static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        Set<StandardOpenOption> opts = Set.of(options);
        return posix(file) ? FileChannel.open(file, opts, fileAttribute()) : FileChannel.open(file, opts);
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }

    private static FileAttribute<?> dirAttribute() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    }
}
