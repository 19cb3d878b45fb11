package dev.karuku.engine.download;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/// Opens the `.part` file a download writes to. An interface so a test can stand in for a disk that fills up
/// mid-download (no root needed for a small file system).
@FunctionalInterface
public interface PartFiles {

    FileChannel open(Path part) throws IOException;

    PartFiles DEFAULT = part -> FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
}
