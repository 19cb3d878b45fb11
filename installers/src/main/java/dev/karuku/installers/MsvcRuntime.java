package dev.karuku.installers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/// Puts the Microsoft C++ runtime beside the Windows launchers.
///
/// llama.cpp's Windows DLLs need `MSVCP140.dll`, `VCRUNTIME140.dll` and `VCRUNTIME140_1.dll`, which a fresh
/// Windows does not have unless some other program installed the Visual C++ Redistributable. Windows looks for a
/// DLL's dependencies first in the folder of the program that started (`Karuku.exe`), so the image's root folder
/// carries them (app-local deployment, which Microsoft allows for these files). They are taken from the linked
/// Java runtime, which is built with the same toolchain, or else from the build machine's system folder.
final class MsvcRuntime {

    static final List<String> DLLS = List.of("msvcp140.dll", "vcruntime140.dll", "vcruntime140_1.dll");

    private MsvcRuntime() {}

    static void copyInto(Path image, Path runtime) throws IOException {
        Path system32 = Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"), "System32");
        for (String dll : DLLS) {
            Path source = find(dll, runtime.resolve("bin"), system32).orElseThrow(() -> new PackagingException(
                    dll + " was found neither in the Java runtime nor in " + system32
                            + "; install the Visual C++ Redistributable (x64) on the build machine."));
            Files.copy(source, image.resolve(dll), StandardCopyOption.REPLACE_EXISTING);
            System.out.println("[installers] " + dll + " <- " + source);
        }
    }

    private static Optional<Path> find(String dll, Path... dirs) throws IOException {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (var files = Files.list(dir)) {
                Optional<Path> hit = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).equals(dll)).findFirst();
                if (hit.isPresent()) return hit;
            }
        }
        return Optional.empty();
    }
}
