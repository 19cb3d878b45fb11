package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// Creates the app image with jpackage: the `Karuku` app launcher, the command-line launcher (see
/// [Platform#cliLauncherName]), the linked runtime, and the `$APPDIR` prepared by [ImageInput].
final class AppImage {

    static final String NAME = "Karuku";
    static final String APP_MAIN = "dev.karuku.app.KarukuApp";
    static final String CLI_MAIN = "dev.karuku.cli.Main";

    /// Options both launchers start the JVM with. The engine calls llama.cpp through FFM, JavaFX loads its own
    /// natives; `karuku.natives` points the engine's loader at the natives shipped in the image. `gcGoal` (the root
    /// pom's `karuku.app.gc.goal`) makes G1 aim at young pauses that fit in a frame (its default goal, 200 ms, let
    /// them reach 16–28 ms while an answer streamed: each one a dropped frame; see docs/benchmarks.md).
    static List<String> javaOptions(String gcGoal) {
        return List.of("--enable-native-access=ALL-UNNAMED,javafx.graphics", gcGoal, "-Dkaruku.natives=$APPDIR/natives");
    }

    private AppImage() {}

    /// The image folder jpackage creates under `dest`: `Karuku/` (Linux, Windows) or `Karuku.app/` (macOS).
    static Path folder(Platform platform, Path dest) {
        return dest.resolve(platform == Platform.MAC ? NAME + ".app" : NAME);
    }

    /// `$APPDIR`: where the jars, natives and launcher `.cfg` files are inside an image.
    static Path appDir(Platform platform, Path image) {
        return switch (platform) {
            case LINUX -> image.resolve("lib/app");
            case WINDOWS -> image.resolve("app");
            case MAC -> image.resolve("Contents/app");
        };
    }

    static Path create(Platform platform, AppVersion version, String gcGoal, Path input, Path runtime, Path icon,
                       Path fileAssociation, Path work, Path dest) throws IOException {
        Path cliProperties = work.resolve("cli-launcher.properties");
        Files.writeString(cliProperties, cliLauncherProperties(platform, gcGoal));
        List<String> args = new ArrayList<>(List.of(
                "--type", "app-image",
                "--name", NAME,
                "--dest", dest.toString(),
                "--input", input.toString(),
                "--main-jar", "karuku-app.jar",
                "--main-class", APP_MAIN,
                "--runtime-image", runtime.toString(),
                "--icon", icon.toString(),
                "--add-launcher", platform.cliLauncherName() + "=" + cliProperties));
        args.addAll(Installers.common(version));
        for (String option : javaOptions(gcGoal)) args.addAll(List.of("--java-options", option));
        if (platform == Platform.MAC) {
            // macOS records file types in the bundle's Info.plist, which is written with the image.
            args.addAll(List.of("--file-associations", fileAssociation.toString(),
                    "--mac-package-identifier", "dev.karuku.app", "--mac-package-name", NAME));
        }
        Tools.run("jpackage", args);
        return folder(platform, dest);
    }

    /// The command line: a console program on Windows, no menu entry or shortcut anywhere.
    static String cliLauncherProperties(Platform platform, String gcGoal) {
        var p = new StringBuilder();
        p.append("main-class=").append(CLI_MAIN).append('\n');
        p.append("java-options=").append(String.join(" ", javaOptions(gcGoal))).append('\n');
        if (platform == Platform.WINDOWS) p.append("win-console=true\nwin-shortcut=false\nwin-menu=false\n");
        if (platform == Platform.LINUX) p.append("linux-shortcut=false\n");
        return p.toString();
    }
}
