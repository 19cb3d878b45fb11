package dev.karuku.engine.logging;

import dev.karuku.engine.store.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/// Appends to `dir/name.log`; past `limit` bytes the files shift (`name.log` → `name.1.log` → … → `name.{count-1}.log`,
/// the oldest dropped). Unlike java.util.logging's FileHandler it keeps the plain name a user looks for, and the app
/// and the command line can both append to it (no lock file, no `.0.1` names). Failures never reach the caller:
/// logging must not break what is being logged.
final class RotatingHandler extends Handler {
    private final Path dir;
    private final String name;
    private final long limit;
    private final int count;
    private FileChannel channel;

    RotatingHandler(Path dir, String name, long limit, int count) {
        this.dir = dir;
        this.name = name;
        this.limit = limit;
        this.count = count;
    }

    Path file() {
        return dir.resolve(name + ".log");
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        String text;
        try {
            text = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("could not format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            if (channel == null) open();
            if (channel.size() > 0 && channel.size() + text.length() > limit) {
                rotate();
                open();
            }
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) channel.write(b);
        } catch (IOException | RuntimeException e) {
            reportError("could not write the log file " + file(), e instanceof Exception ex ? ex : null, ErrorManager.WRITE_FAILURE);
        }
    }

    private void open() throws IOException {
        PrivateFiles.createDirectories(dir);
        channel = PrivateFiles.openForAppend(file());
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        Files.deleteIfExists(dir.resolve(name + "." + (count - 1) + ".log"));
        for (int i = count - 2; i >= 1; i--) {
            Path from = dir.resolve(name + "." + i + ".log");
            if (Files.exists(from)) Files.move(from, dir.resolve(name + "." + (i + 1) + ".log"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(file())) Files.move(file(), dir.resolve(name + ".1.log"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public synchronized void flush() {
        // every record is written through at once
    }

    @Override
    public synchronized void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to write
        }
        channel = null;
    }
}
