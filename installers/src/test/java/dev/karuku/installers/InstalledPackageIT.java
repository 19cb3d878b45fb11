package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/// Installs the `.deb` the build just made (unpacked with `dpkg-deb -x`, as dpkg would lay it out under `/`) and
/// uses it the way a person would: the `karuku` command offline, and the app's window.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstalledPackageIT {

    static final Path INSTALLERS = Path.of(System.getProperty("karuku.installers.dir", "target/installers"));

    @TempDir static Path root;
    Path deb;
    Path install;

    @BeforeAll
    void unpackTheDeb() throws Exception {
        deb = built(".deb");
        Proc x = Proc.run(List.of("dpkg-deb", "-x", deb.toString(), root.resolve("fs").toString()), Map.of(), root, 300);
        assertThat(x.exit()).as(x.toString()).isZero();
        install = root.resolve("fs/opt/karuku");
        if (!Proc.NETWORK_CAN_BE_CUT) {
            System.out.println("[installers-it] `unshare -n` is not permitted here: the offline checks run WITH the"
                    + " network; only the cut-off aspect is not proven.");
        }
    }

    @Test
    void debIsNamedKarukuAndDependsOnTheVulkanLoader() throws Exception {
        Proc fields = Proc.run(List.of("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Depends"), Map.of(), root, 60);
        assertThat(fields.out()).contains("Package: karuku").contains("Version: 0.1.0").contains("libvulkan1");
        System.out.printf("[installers-it] %s: %.1f MB, installed %.1f MB%n", deb.getFileName(), Files.size(deb) / 1e6,
                Packager.treeSize(install) / 1e6);
        assertThat(Files.size(deb)).as(".deb budget").isLessThanOrEqualTo(150_000_000L);
    }

    @Test
    void installCarriesTheVulkanNativesOnlyWithTheirLicences() {
        Path natives = install.resolve("lib/app/natives");
        assertThat(natives.resolve("linux-x64-vulkan/libllama.vulkan.v0.4.0.so")).isRegularFile();
        assertThat(natives.resolve("linux-x64-vulkan/libggml-vulkan.so")).isRegularFile();
        assertThat(natives.resolve("linux-x64")).doesNotExist();
        assertThat(install.resolve("lib/app/licenses/llama.cpp-LICENSE.txt")).content().contains("MIT License");
        assertThat(install.resolve("lib/app/licenses/LICENSE.node-llama-cpp.txt")).content().contains("MIT License");
    }

    @Test
    void ggufFilesAreAssociatedWithTheApp() throws IOException {
        List<Path> desktop;
        try (Stream<Path> files = Files.walk(install)) {
            desktop = files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".desktop")).toList();
        }
        assertThat(desktop).as("one menu entry: the app's, not the command line's").hasSize(1);
        assertThat(desktop.getFirst()).content().contains("MimeType=application/x-gguf")
                .contains("Exec=/opt/karuku/bin/Karuku %F"); // %F: the double-clicked file reaches the app
        try (Stream<Path> files = Files.walk(install)) {
            assertThat(files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".xml"))
                    .anyMatch(f -> read(f).contains("*.gguf"))).as("a shared-mime-info file for *.gguf").isTrue();
        }
    }

    @Test
    void commandLineStartsFromTheInstallWithoutNetwork() throws Exception {
        Proc help = karuku("--help");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).contains("Usage: karuku");
        assertThat(help.err()).as("nothing on stderr (no JVM or CDS warnings)").isEmpty();
    }

    @Test
    void unpackedByHandTheFirstStartRestoresTheJarTimesAndLaterStartsUseTheClassArchive(@TempDir Path dir) throws Exception {
        // An install the user owns, unpacked without dpkg (so without its postinst), as a per-user MSI or an app
        // bundle copied from a disk image is: the jars carry the unpacking's time.
        Proc x = Proc.run(List.of("dpkg-deb", "-x", deb.toString(), dir.toString()), Map.of(), dir, 300);
        assertThat(x.exit()).as(x.toString()).isZero();
        KarukuCommand karuku = new KarukuCommand(dir.resolve("opt/karuku/bin/karuku").toString(), dataFolder());
        assertThat(karuku.startsFromItsClassArchive(dir)).as("first start: jars dated by the unpacking").isFalse();
        assertThat(karuku.startsFromItsClassArchive(dir)).as("second start").isTrue();
    }

    @Test
    void installedCommandContinuesTheAlphabetOffline(@TempDir Path work) throws Exception {
        KarukuCommand karuku = new KarukuCommand(install.resolve("bin/karuku").toString(), dataFolder());
        karuku.continuesTheAlphabet(karuku.makeQuantizedTestModel(work));
    }

    @Test
    void installedAppOpensItsWindowAndQuitsWhenItIsClosed(@TempDir Path home) throws Throwable {
        try (var display = VirtualDisplay.start()) {
            for (int launch = 1; launch <= 2; launch++) { // the second launch runs on a warm file cache
                long start = System.nanoTime();
                var pb = new ProcessBuilder(install.resolve("bin/Karuku").toString())
                        .redirectErrorStream(true).redirectOutput(home.resolve("app-" + launch + ".log").toFile());
                pb.environment().putAll(Map.of("DISPLAY", display.name(), "HOME", home.toString(),
                        "KARUKU_HOME", home.resolve("karuku").toString(), "JAVA_TOOL_OPTIONS", KarukuCommand.ARCHIVE_LOG));
                Process app = pb.start();
                try {
                    long window = display.awaitWindow("Karuku", app, 60);
                    System.out.printf("[installers-it] launch %d: window \"Karuku\" visible after %d ms%n", launch,
                            (System.nanoTime() - start) / 1_000_000);
                    X11.requestClose(display.name(), window);
                    assertThat(app.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
                            .as("the app quits when its window is closed").isTrue();
                    String log = Files.readString(home.resolve("app-" + launch + ".log"));
                    assertThat(app.exitValue()).as(log).isZero();
                    if (launch == 2) assertThat(KarukuCommand.tookTheArchive(log)).as("a warm start uses the class archive").isTrue();
                } finally {
                    app.destroyForcibly();
                }
            }
        }
    }

    @Test
    void portableArchiveContinuesTheAlphabetOffline(@TempDir Path dir) throws Exception {
        Path tgz = built(".tar.gz");
        Proc x = Proc.run(List.of("tar", "-xzf", tgz.toString(), "-C", dir.toString()), Map.of(), dir, 300);
        assertThat(x.exit()).as(x.toString()).isZero();
        Path bin = dir.resolve(tgz.getFileName().toString().replace(".tar.gz", "")).resolve("bin");
        assertThat(bin.resolve("Karuku")).isExecutable();
        KarukuCommand karuku = new KarukuCommand(bin.resolve("karuku").toString(), dataFolder());
        Proc version = karuku.run(dir, "--version");
        assertThat(version.exit()).as(version.toString()).isZero();
        assertThat(version.out()).contains("Karuku");
        Path work = Files.createDirectories(dir.resolve("work"));
        karuku.continuesTheAlphabet(karuku.makeQuantizedTestModel(work));
    }

    /// The installer file the build made whose name ends with `suffix`.
    static Path built(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(INSTALLERS)) {
            return files.filter(f -> f.toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new AssertionError("No " + suffix + " in " + INSTALLERS + ": build with -Pinstallers"));
        }
    }

    private Map<String, String> dataFolder() {
        return Map.of("KARUKU_HOME", root.resolve("karuku-home").toString());
    }

    private Proc karuku(String... args) throws Exception {
        return new KarukuCommand(install.resolve("bin/karuku").toString(), dataFolder()).run(root, args);
    }


    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }
}
