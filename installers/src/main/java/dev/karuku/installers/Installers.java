package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/// Builds the installers from a finished app image, one jpackage run per type (plus the portable `.tar.gz`).
///
/// What keeps user data safe across upgrade and uninstall: models, chats and settings live in the per-user data
/// folder (never inside the install folder), Windows installers keep one upgrade code forever so a new version
/// replaces the old one in place, and the Debian package keeps its name `karuku`.
final class Installers {

    /// Never change: Windows finds the installed Karuku to upgrade by this code.
    static final String WINDOWS_UPGRADE_UUID = "fa357e98-87ff-44bd-bd09-90dc0db36ae2";
    static final String LINUX_PACKAGE = "karuku";

    private Installers() {}

    /// Options every jpackage run gets.
    static List<String> common(AppVersion version) {
        return List.of("--app-version", version.toString(),
                "--vendor", "Karuku",
                "--description", "Run large language models privately on your own PC.",
                "--copyright", "Karuku contributors");
    }

    /// Builds `type` from `image` into `out`; returns the file made.
    static Path build(String type, Platform platform, AppVersion version, Path image, Path resources,
                      String debCompression, Path work, Path out) throws IOException {
        Path fileAssociation = resources.resolve("gguf-association.properties");
        Files.createDirectories(out);
        if (type.equals("tar.gz")) return tarGz(version, image, out);
        Path dest = Files.createDirectories(work.resolve("packages").resolve(type));
        List<String> args = new ArrayList<>(List.of("--type", type, "--app-image", image.toString(),
                "--name", AppImage.NAME, "--dest", dest.toString()));
        args.addAll(common(version));
        switch (type) {
            case "deb", "rpm" -> args.addAll(List.of(
                    "--linux-package-name", LINUX_PACKAGE,
                    "--linux-app-category", "utils",
                    "--linux-menu-group", "Utility",
                    // Our desktop entry passes the double-clicked .gguf to the app (%F) and names the window class.
                    // No --linux-shortcut: the app gets its menu entry through the file association, and the
                    // flag would give the command line one too.
                    "--resource-dir", resources.resolve("linux").toString(),
                    // The image ships the Vulkan build of llama.cpp, which needs the Vulkan loader.
                    "--linux-package-deps", "libvulkan1",
                    "--file-associations", fileAssociation.toString()));
            case "msi", "exe" -> args.addAll(List.of(
                    "--win-per-user-install",
                    "--win-upgrade-uuid", WINDOWS_UPGRADE_UUID,
                    "--win-menu", "--win-menu-group", AppImage.NAME,
                    "--win-shortcut",
                    "--file-associations", fileAssociation.toString()));
            case "dmg", "pkg" -> args.addAll(Signing.macPackageOptions());
            default -> throw new PackagingException("Unknown installer type '" + type + "' (deb, tar.gz, msi, exe, dmg)");
        }
        if (type.equals("deb")) {
            Tools.runWithEnvironment("jpackage", args, debCompression(debCompression));
        } else {
            Tools.run("jpackage", args);
        }
        Path made;
        try (Stream<Path> files = Files.list(dest)) {
            made = files.filter(f -> f.getFileName().toString().endsWith("." + type)).findFirst()
                    .orElseThrow(() -> new PackagingException("jpackage made no ." + type + " in " + dest));
        }
        Path target = out.resolve(finalName(made.getFileName().toString(), type));
        return Files.move(made, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /// dpkg-deb's compression, from `type[:level]` (`xz`, `xz:6`, `zstd:3`, `gzip`). xz at dpkg's default level
    /// makes the smallest download (the release setting) but takes minutes on two cores; `gzip` takes seconds
    /// and suits a test build. Needs dpkg 1.21.10 or newer to take effect (older ones use their default, xz).
    static Map<String, String> debCompression(String spec) {
        String[] parts = spec.strip().split(":");
        if (!List.of("xz", "gzip", "zstd", "none").contains(parts[0])) {
            throw new PackagingException("Unknown .deb compression '" + spec + "': use xz, gzip, zstd or none, optionally with :level");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DPKG_DEB_COMPRESSOR_TYPE", parts[0]);
        if (parts.length > 1) env.put("DPKG_DEB_COMPRESSOR_LEVEL", parts[1]);
        env.put("DPKG_DEB_THREADS_MAX", Integer.toString(Runtime.getRuntime().availableProcessors()));
        return env;
    }

    /// Debian names stay Debian's (`karuku_0.1.0-1_amd64.deb`); the others get the architecture, so the
    /// Apple Silicon and Intel `.dmg` files can sit side by side (`Karuku-0.1.0-arm64.dmg`).
    static String finalName(String made, String type) {
        if (type.equals("deb") || type.equals("rpm")) return made;
        String base = made.substring(0, made.length() - type.length() - 1);
        return base + "-" + Platform.arch() + "." + type;
    }

    /// The portable Linux archive: the app image as is, `karuku-<version>-linux-x64/` inside.
    static Path tarGz(AppVersion version, Path image, Path out) {
        String base = LINUX_PACKAGE + "-" + version + "-" + Platform.current().name().toLowerCase(java.util.Locale.ROOT)
                + "-" + Platform.arch();
        Path target = out.resolve(base + ".tar.gz");
        Tools.exec(List.of("tar", "-czf", target.toString(), "-C", image.getParent().toString(),
                "--transform", "s,^" + image.getFileName() + "," + base + ",", image.getFileName().toString()));
        return target;
    }
}
