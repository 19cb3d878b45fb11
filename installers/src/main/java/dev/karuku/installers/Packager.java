package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/// Builds Karuku's installers for the platform it runs on; run by `installers/pom.xml` under `-Pinstallers`.
///
/// Steps: split the app's jars ([AppJars]) → link a Java runtime with only the modules used ([RuntimeModules],
/// [JavaRuntime]) → lay out `$APPDIR` with jars, natives and licences ([ImageInput]) → jpackage an app image with
/// the app and command-line launchers ([AppImage]) → Windows: the C++ runtime beside the launchers
/// ([MsvcRuntime]) → class-data-sharing archives ([AppCds]) → signing when configured ([Signing]) → one installer
/// per type ([Installers]). Each step fails with one line saying what went wrong.
public final class Packager {

    private Packager() {}

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (PackagingException e) {
            System.err.println("[installers] " + e.getMessage());
            System.exit(1);
        } catch (IOException | InterruptedException e) {
            System.err.println("[installers] " + e);
            System.exit(1);
        }
    }

    static List<Path> run(Options o) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Platform platform = Platform.current();
        AppVersion version = AppVersion.parse(o.version());
        deleteTree(o.work());
        Files.createDirectories(o.work());

        var clock = new Clock();
        AppJars jars = AppJars.in(o.jars());
        List<String> modules = RuntimeModules.of(jars);
        System.out.println("[installers] runtime modules: " + String.join(",", modules));
        clock.lap("modules");
        Path runtime = JavaRuntime.link(jars, modules, o.work().resolve("runtime"));
        clock.lap("jlink");
        Path input = ImageInput.assemble(jars, o.natives(), o.resources(), o.work().resolve("input"));
        Path icon = IconFiles.forPlatform(platform, o.icons(), o.work().resolve("icon"));
        Path fileAssociation = o.resources().resolve("gguf-association.properties");

        Path image = AppImage.create(platform, version, o.gcGoal(), input, runtime, icon, fileAssociation, o.work(),
                o.work().resolve("image"));
        if (platform == Platform.WINDOWS) MsvcRuntime.copyInto(image, runtime);
        clock.lap("app image");
        AppCds.train(platform, image, o.work().resolve("cds-training"));
        clock.lap("CDS training");
        Signing.signImage(platform, image);

        List<Path> made = new ArrayList<>();
        for (String type : o.types()) {
            Path installer = Installers.build(type, platform, version, image, o.resources(), o.debCompression(), o.work(), o.out());
            Signing.signInstaller(platform, installer);
            System.out.printf("[installers] %s: %.1f MB%n", installer, Files.size(installer) / 1e6);
            made.add(installer);
            clock.lap(type);
        }
        System.out.printf("[installers] image %s: %.1f MB installed; built in %d s%n", image,
                treeSize(image) / 1e6, (System.nanoTime() - start) / 1_000_000_000L);
        return made;
    }

    /// Prints how long each step took, so slow steps show in CI logs.
    static final class Clock {
        private long last = System.nanoTime();

        void lap(String step) {
            long now = System.nanoTime();
            System.out.printf("[installers] %s: %.1f s%n", step, (now - last) / 1e9);
            last = now;
        }
    }

    static long treeSize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
