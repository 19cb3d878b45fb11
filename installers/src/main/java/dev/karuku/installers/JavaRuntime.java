package dev.karuku.installers;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/// Links the Java runtime the image carries: only the modules the app uses (see [RuntimeModules]) plus JavaFX,
/// linked from its platform jars (JDK 25 links its own modules from the running JDK; no JMODs needed).
///
/// Debug attributes, headers and man pages are left out, locales are trimmed to English and Japanese, and a
/// class-data-sharing archive of the JDK's own classes is generated so the app starts faster (only the one for
/// compressed object pointers, which every heap under 32 GB uses).
final class JavaRuntime {

    private JavaRuntime() {}

    static Path link(AppJars jars, List<String> modules, Path output) {
        List<String> args = new ArrayList<>(List.of(
                "--module-path", jars.javafx().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "--add-modules", String.join(",", modules),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=zip-6",
                "--include-locales=en,ja",
                "--generate-cds-archive",
                "--output", output.toString()));
        Tools.run("jlink", args);
        // The archive for heaps over 32 GB (no compressed oops): never used by a desktop app's default heap.
        try {
            java.nio.file.Files.deleteIfExists(output.resolve("lib/server/classes_nocoops.jsa"));
            java.nio.file.Files.deleteIfExists(output.resolve("bin/server/classes_nocoops.jsa"));
        } catch (java.io.IOException e) {
            throw new PackagingException("Cannot trim the runtime: " + e.getMessage());
        }
        return output;
    }
}
