package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/// Code signing, done only when its secrets are present in the environment (CI passes them from repository
/// secrets); without them the installers are built unsigned and this says so.
///
/// - Windows: `KARUKU_WINDOWS_PFX` (path to a .pfx) and `KARUKU_WINDOWS_PFX_PASSWORD`; `signtool` signs the
///   launchers inside the image and then the .msi/.exe, with an RFC 3161 timestamp (`KARUKU_TIMESTAMP_URL`).
/// - macOS: `KARUKU_MAC_SIGN_IDENTITY` ("Developer ID Application: …") and optionally `KARUKU_MAC_KEYCHAIN`;
///   jpackage signs every binary of the app with the hardened runtime, `codesign` signs the .dmg. Notarization
///   runs afterwards in CI (`xcrun notarytool`), as it needs Apple ID secrets and a network round trip.
final class Signing {

    private Signing() {}

    static boolean windowsEnabled() {
        return present("KARUKU_WINDOWS_PFX") && present("KARUKU_WINDOWS_PFX_PASSWORD");
    }

    static boolean macEnabled() {
        return present("KARUKU_MAC_SIGN_IDENTITY");
    }

    /// Signs what is in the image before it is packaged, so the installed launchers are signed too.
    static void signImage(Platform platform, Path image) throws IOException {
        if (platform == Platform.WINDOWS) {
            if (!windowsEnabled()) {
                System.out.println("[installers] Windows signing skipped: KARUKU_WINDOWS_PFX is not set");
                return;
            }
            List<Path> binaries;
            try (Stream<Path> files = Files.list(image)) {
                binaries = files.filter(f -> f.toString().endsWith(".exe")).toList();
            }
            signtool(binaries);
        } else if (platform == Platform.MAC) {
            if (!macEnabled()) {
                System.out.println("[installers] macOS signing skipped: KARUKU_MAC_SIGN_IDENTITY is not set");
                return;
            }
            List<String> args = new ArrayList<>(List.of("--type", "app-image", "--app-image", image.toString(),
                    "--mac-sign", "--mac-app-image-sign-identity", System.getenv("KARUKU_MAC_SIGN_IDENTITY")));
            if (present("KARUKU_MAC_KEYCHAIN")) args.addAll(List.of("--mac-signing-keychain", System.getenv("KARUKU_MAC_KEYCHAIN")));
            Tools.run("jpackage", args);
        }
    }

    /// Signs a finished installer file (.msi, .exe, .dmg) when signing is configured.
    static void signInstaller(Platform platform, Path installer) {
        if (platform == Platform.WINDOWS && windowsEnabled()) signtool(List.of(installer));
        if (platform == Platform.MAC && macEnabled() && installer.toString().endsWith(".dmg")) {
            List<String> cmd = new ArrayList<>(List.of("codesign", "--timestamp", "--sign", System.getenv("KARUKU_MAC_SIGN_IDENTITY")));
            if (present("KARUKU_MAC_KEYCHAIN")) cmd.addAll(List.of("--keychain", System.getenv("KARUKU_MAC_KEYCHAIN")));
            cmd.add(installer.toString());
            Tools.exec(cmd);
        }
    }

    /// jpackage options for a .dmg: none, since the image it packages is already signed.
    static List<String> macPackageOptions() {
        return List.of();
    }

    private static void signtool(List<Path> files) {
        if (files.isEmpty()) return;
        String signtool = present("SIGNTOOL") ? System.getenv("SIGNTOOL") : "signtool";
        String timestamp = present("KARUKU_TIMESTAMP_URL") ? System.getenv("KARUKU_TIMESTAMP_URL") : "http://timestamp.digicert.com";
        List<String> cmd = new ArrayList<>(List.of(signtool, "sign", "/fd", "SHA256", "/tr", timestamp, "/td", "SHA256",
                "/f", System.getenv("KARUKU_WINDOWS_PFX"), "/p", System.getenv("KARUKU_WINDOWS_PFX_PASSWORD")));
        files.forEach(f -> cmd.add(f.toString()));
        System.out.println("[installers] signtool sign " + files);
        try {
            int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (rc != 0) throw new PackagingException("signtool failed (exit " + rc + ")");
        } catch (IOException e) {
            throw new PackagingException("Cannot run signtool (" + signtool + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackagingException("Interrupted while signing");
        }
    }

    private static boolean present(String env) {
        String v = System.getenv(env);
        return v != null && !v.isBlank();
    }
}
