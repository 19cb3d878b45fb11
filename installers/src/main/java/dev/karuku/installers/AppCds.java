package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/// Class-data-sharing archives made at build time, so the window opens fast from the first launch.
///
/// Each launcher is run once from the finished image with `-XX:ArchiveClassesAtExit` (through
/// `JAVA_TOOL_OPTIONS`, so the class path is exactly the launcher's): the app until its window is up, then asked
/// to quit (SIGTERM, or a window-close message on Windows: the JVM writes the archive as it exits); the command
/// line with `--help`. The archives land in `$APPDIR` and the launchers' `.cfg` files gain
/// `-XX:SharedArchiveFile=$APPDIR/<name>.jsa`. They are read-only at run time, so they work for installs by root
/// and inside signed macOS bundles. If the image ends up on a different JVM or with changed jars the JVM just
/// starts without it, silently (`-Xlog:cds*=off`, so nothing is ever added to the command line's output).
///
/// The JVM takes an archive only while every class-path jar has the size and modification time it had at
/// training, and no installer keeps the times (jpackage copies the image into each package; dpkg, MSI and disk
/// images date the copies). So the jars get one time, the build's second, before training, and the launchers
/// carry it as `-Dkaruku.cds.jarTime=<epoch seconds>`: the `.deb`'s postinst puts it back as root, and an install
/// the user owns gets it back from its first launch (`dev.karuku.engine.install.ArchiveJarTimes`).
///
/// Training the app needs a display: on Linux without `DISPLAY` a private Xvfb is started for it; Windows and
/// macOS CI runners have a desktop. Without any, the app launcher is left without an archive and the build says so.
final class AppCds {

    static final String APP_ARCHIVE = "karuku.jsa";
    static final String CLI_ARCHIVE = "karuku-cli.jsa";
    static final long APP_RUN_SECONDS = 8;

    private AppCds() {}

    static void train(Platform platform, Path image, Path scratch) throws IOException, InterruptedException {
        Path appDir = AppImage.appDir(platform, image);
        Files.createDirectories(scratch);
        // The training runs must not touch the builder's own Karuku data (or JavaFX's cache in the home folder).
        Path home = Files.createDirectories(scratch.resolve("home"));
        Map<String, String> env = platform == Platform.WINDOWS ? Map.of("KARUKU_HOME", home.toString())
                : Map.of("KARUKU_HOME", home.toString(), "HOME", home.toString());

        long jarTime = java.time.Instant.now().getEpochSecond();
        setJarTimes(appDir, jarTime);
        Path cliArchive = appDir.resolve(CLI_ARCHIVE);
        Process cli = start(launcher(platform, image, platform.cliLauncherName()), List.of("--help"), cliArchive, env, scratch.resolve("cli.log"));
        boolean cliDone = cli.waitFor(120, TimeUnit.SECONDS);
        if (cliDone && cli.exitValue() == 0 && Files.isRegularFile(cliArchive)) {
            useArchive(appDir.resolve(platform.cliLauncherName() + ".cfg"), CLI_ARCHIVE, jarTime);
        } else {
            cli.destroyForcibly();
            Files.deleteIfExists(cliArchive);
            System.out.println("[installers] no CDS archive for the command line: `--help` failed, see " + scratch.resolve("cli.log"));
        }

        Path appArchive = appDir.resolve(APP_ARCHIVE);
        Xvfb xvfb = platform == Platform.LINUX && System.getenv("DISPLAY") == null ? Xvfb.start() : null;
        Map<String, String> appEnv = new java.util.HashMap<>(env);
        if (xvfb != null) appEnv.put("DISPLAY", xvfb.display());
        Process app = start(launcher(platform, image, AppImage.NAME), List.of(), appArchive, appEnv, scratch.resolve("app.log"));
        boolean exitedEarly = app.waitFor(APP_RUN_SECONDS, TimeUnit.SECONDS);
        if (!exitedEarly) {
            quit(platform, app);
            if (!app.waitFor(60, TimeUnit.SECONDS)) app.destroyForcibly();
        }
        if (xvfb != null) xvfb.process().destroy();
        if (!exitedEarly && Files.isRegularFile(appArchive)) {
            useArchive(appDir.resolve(AppImage.NAME + ".cfg"), APP_ARCHIVE, jarTime);
            System.out.println("[installers] CDS archives: " + Files.size(appArchive) / 1024 + " KiB (app), "
                    + (Files.isRegularFile(cliArchive) ? Files.size(cliArchive) / 1024 : 0) + " KiB (command line)");
        } else {
            Files.deleteIfExists(appArchive);
            System.out.println("[installers] no CDS archive for the app: it did not keep running (no display?), see "
                    + scratch.resolve("app.log") + ". The app works; it only starts slower.");
        }
    }

    /// Gives every jar directly in `$APPDIR` the same modification time (whole seconds: the JVM compares seconds).
    static void setJarTimes(Path appDir, long epochSecond) throws IOException {
        try (var files = Files.list(appDir)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
                Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.from(epochSecond, TimeUnit.SECONDS));
            }
        }
    }

    /// A private virtual display for the training run when the build has none (Linux CI): Xvfb picks a free
    /// display number and reports it (`-displayfd`).
    record Xvfb(Process process, String display) {
        /// Null when Xvfb is not installed or does not start.
        static Xvfb start() {
            try {
                Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String number = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
                if (number == null || number.isBlank()) {
                    p.destroyForcibly();
                    return null;
                }
                return new Xvfb(p, ":" + number.strip());
            } catch (IOException e) {
                return null;
            }
        }
    }

    static Path launcher(Platform platform, Path image, String name) {
        return switch (platform) {
            case LINUX -> image.resolve("bin").resolve(name);
            case WINDOWS -> image.resolve(name + ".exe");
            case MAC -> image.resolve("Contents/MacOS").resolve(name);
        };
    }

    private static Process start(Path launcher, List<String> args, Path archive, Map<String, String> env, Path log) throws IOException {
        Files.deleteIfExists(archive);
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:ArchiveClassesAtExit=" + archive + " -Xlog:cds*=off -Xlog:aot*=off");
        return pb.start();
    }

    /// Asks the app to quit the way a user's system would, so that the JVM exits normally and writes the archive.
    private static void quit(Platform platform, Process app) throws IOException, InterruptedException {
        if (platform == Platform.WINDOWS) {
            new ProcessBuilder("taskkill", "/PID", Long.toString(app.pid())).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        } else {
            app.destroy(); // SIGTERM
        }
    }

    /// Adds the archive, and the jar time it was made with, to a launcher's `[JavaOptions]` (jpackage's .cfg
    /// format: one `java-options=` per line).
    static void useArchive(Path cfg, String archive, long jarTime) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg));
        int at = lines.indexOf("[JavaOptions]");
        if (at < 0) throw new PackagingException("No [JavaOptions] section in " + cfg);
        lines.add(at + 1, "java-options=-Xlog:cds*=off");
        lines.add(at + 2, "java-options=-Xlog:aot*=off");
        lines.add(at + 3, "java-options=-XX:SharedArchiveFile=$APPDIR/" + archive);
        // The engine's own name for it (a compile-time constant: the engine is not on the packager's class path).
        lines.add(at + 4, "java-options=-D" + dev.karuku.engine.install.ArchiveJarTimes.PROPERTY + "=" + jarTime);
        Files.write(cfg, lines);
    }
}
