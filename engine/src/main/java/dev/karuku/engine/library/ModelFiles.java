package dev.karuku.engine.library;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/// The model files in a folder: each `.gguf` at any depth (a split quant often sits in its own subfolder,
/// `repo/Q8_0/x-00001-of-00002.gguf`), a split model once, by its first part. Dot-folders are skipped: unfinished
/// downloads are assembled in `.downloading/`.
public final class ModelFiles {

    private static final Pattern LATER_SHARD = Pattern.compile("(?i).*-(\\d{5})-of-\\d{5}\\.gguf");

    private ModelFiles() {}

    /// The models under `root`, sorted by path; an unreadable subfolder is skipped, not fatal.
    public static List<Path> models(Path root) {
        List<Path> out = new ArrayList<>();
        if (root == null || !Files.isDirectory(root)) return out;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    // a link to a model on another disk counts; linked folders are not followed
                    boolean regular = attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file));
                    if (regular && name.toLowerCase(Locale.ROOT).endsWith(".gguf") && !laterShard(name)) {
                        out.add(file.toAbsolutePath().normalize());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // what was found before the error is still listed
        }
        out.sort(null);
        return out;
    }

    /// `x-00001-of-00003.gguf` → all three parts; any other file → itself. Refused when a part is missing.
    public static List<Path> parts(Path first) throws LibraryException {
        return ModelLibrary.withShards(first);
    }

    private static boolean laterShard(String name) {
        var m = LATER_SHARD.matcher(name);
        return m.matches() && !m.group(1).equals("00001");
    }
}
