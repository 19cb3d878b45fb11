package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/// The app's runtime jars, split the way the image needs them.
///
/// JavaFX's platform jars (`javafx-graphics-linux.jar`, …) are modules: they are linked into the Java runtime so
/// that `javafx.graphics` is a named module (JavaFX refuses to run from the class path without a warning, and
/// `--enable-native-access=javafx.graphics` needs the module). JavaFX's version-only jars (`javafx-graphics.jar`)
/// are empty placeholders and are dropped. Everything else stays on the class path.
///
/// @param classPath   the app's own jars and libraries, for jpackage's `--input`
/// @param javafx      JavaFX's platform module jars, for jlink's `--module-path`
record AppJars(List<Path> classPath, List<Path> javafx) {

    static AppJars in(Path dir) {
        List<Path> classPath = new ArrayList<>();
        List<Path> javafx = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                String name = jar.getFileName().toString();
                if (!name.startsWith("javafx-")) classPath.add(jar);
                else if (hasModuleInfo(jar)) javafx.add(jar);
            }
        } catch (IOException e) {
            throw new PackagingException("Cannot list the app's jars in " + dir + ": " + e.getMessage());
        }
        if (classPath.stream().noneMatch(p -> p.getFileName().toString().equals("karuku-app.jar"))) {
            throw new PackagingException("karuku-app.jar is not in " + dir + "; build with -pl installers -am so the app is built first.");
        }
        if (javafx.isEmpty()) {
            throw new PackagingException("No JavaFX platform jars in " + dir + " (javafx-*-<platform>.jar): the app's JavaFX"
                    + " dependencies did not resolve for this platform.");
        }
        return new AppJars(List.copyOf(classPath), List.copyOf(javafx));
    }

    static boolean hasModuleInfo(Path jar) {
        try (var zip = new ZipFile(jar.toFile())) {
            return zip.getEntry("module-info.class") != null;
        } catch (IOException e) {
            throw new PackagingException("Cannot read " + jar + ": " + e.getMessage());
        }
    }
}
