package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/// Assembles jpackage's `--input` folder, which becomes the image's app folder (`$APPDIR`): the class-path jars,
/// `natives/<package>/` for this platform (the engine's loader finds them through `-Dkaruku.natives=$APPDIR/natives`,
/// and beside its jar as a fallback), and `licenses/` with the third-party licences.
final class ImageInput {

    private ImageInput() {}

    static Path assemble(AppJars jars, Path natives, Path resources, Path input) throws IOException {
        Files.createDirectories(input);
        for (Path jar : jars.classPath()) {
            Files.copy(jar, input.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        List<Path> packages = nativePackages(natives);
        Path licenses = Files.createDirectories(input.resolve("licenses"));
        copyTree(resources.resolve("licenses"), licenses);
        for (Path pkg : packages) {
            Path target = Files.createDirectories(input.resolve("natives").resolve(pkg.getFileName()));
            try (Stream<Path> files = Files.list(pkg)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (name.equals(".integrity")) continue;
                    Files.copy(f, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    if (name.startsWith("LICENSE")) {
                        Files.copy(f, licenses.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return input;
    }

    /// The unpacked natives packages (each a folder holding libllama/libggml); at least one is required.
    static List<Path> nativePackages(Path natives) throws IOException {
        if (!Files.isDirectory(natives)) {
            throw new PackagingException("No natives in " + natives + ": the fetch-installer-natives step did not run.");
        }
        try (Stream<Path> dirs = Files.list(natives)) {
            List<Path> packages = dirs.filter(Files::isDirectory).sorted().toList();
            if (packages.isEmpty()) throw new PackagingException("No natives packages in " + natives);
            return packages;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
