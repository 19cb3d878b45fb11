package dev.karuku.installers;

import java.util.List;
import java.util.Locale;

/// The operating system the installers are built on: jpackage builds only for the system it runs on, so each
/// CI runner builds its own platform's packages.
enum Platform {
    LINUX("deb", "tar.gz"),
    WINDOWS("msi", "exe"),
    MAC("dmg");

    private final List<String> defaultTypes;

    Platform(String... defaultTypes) {
        this.defaultTypes = List.of(defaultTypes);
    }

    static Platform current() {
        return of(System.getProperty("os.name", ""));
    }

    static Platform of(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) return WINDOWS;
        if (os.contains("mac") || os.contains("darwin")) return MAC;
        return LINUX;
    }

    /// The package types built when the build names none: Linux `.deb` and a portable `.tar.gz`, Windows `.msi`
    /// and `.exe`, macOS `.dmg`.
    List<String> defaultTypes() {
        return defaultTypes;
    }

    /// The command-line launcher's name. Windows and macOS file systems ignore case, so `karuku` would be the same
    /// file as the app's `Karuku` launcher there: those get `karuku-cli`.
    String cliLauncherName() {
        return this == LINUX ? "karuku" : "karuku-cli";
    }

    /// What jpackage wants for `--icon` on this system.
    String iconExtension() {
        return switch (this) {
            case LINUX -> "png";
            case WINDOWS -> "ico";
            case MAC -> "icns";
        };
    }

    /// `x64` or `arm64`, as the natives packages and our artifact names say it.
    static String arch() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return a.equals("aarch64") || a.equals("arm64") ? "arm64" : "x64";
    }
}
