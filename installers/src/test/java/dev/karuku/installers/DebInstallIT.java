package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/// Installs the `.deb` into this very system with `dpkg -i`, as a user would, then upgrades it, removes it and
/// purges it: `karuku` is on `PATH` and works offline, and the user's data folder (models, chats, settings)
/// comes through all of it untouched.
///
/// Needs root or passwordless sudo (CI has it) and skips, saying why, without. It never touches an existing
/// installation: with a `karuku` package, `/opt/karuku` or `/usr/bin/karuku` already there it skips too. It
/// purges what it installed, even when it fails.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebInstallIT {

    static final String PACKAGE = "karuku";
    static final Path INSTALL_DIR = Path.of("/opt/karuku");
    static final Path ON_PATH = Path.of("/usr/bin/karuku");
    static final Path MENU_ENTRY = Path.of("/usr/share/applications/karuku-Karuku.desktop");
    static final Path GGUF_MIME_TYPE = Path.of("/usr/share/mime/packages/karuku-Karuku-MimeInfo.xml");

    @TempDir static Path tmp;
    SystemDpkg dpkg;
    Path deb;
    boolean installedByUs;

    @BeforeAll
    void onlyWhereItIsSafe() throws Exception {
        dpkg = SystemDpkg.forThisUser();
        assumeTrue(dpkg != null, "installing the .deb with dpkg needs root or passwordless sudo (`sudo -n`);"
                + " neither is available, so the system install, upgrade and uninstall are NOT tested here");
        assumeTrue(SystemDpkg.status(PACKAGE).isEmpty() && !Files.exists(INSTALL_DIR) && !Files.exists(ON_PATH, LinkOption.NOFOLLOW_LINKS),
                "Karuku is already installed on this machine (package, /opt/karuku or /usr/bin/karuku); this test"
                        + " never touches an existing installation, so the system install is NOT tested here");
        deb = InstalledPackageIT.built(".deb");
        String depends = Proc.run(List.of("dpkg-deb", "-f", deb.toString(), "Depends"), Map.of(), tmp, 60).out();
        assertThat(SystemDpkg.unmet(depends)).as("the .deb's dependencies must be installed first (installers/README.md)")
                .isEmpty();
    }

    @AfterAll
    void purgeWhatWeInstalled() throws Exception {
        if (installedByUs && !SystemDpkg.status(PACKAGE).isEmpty()) dpkg.asRoot(tmp, "dpkg", "--purge", PACKAGE);
    }

    @Test
    void installUpgradeAndUninstallKeepTheUsersData() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        // The per-user data folder as the installed program finds it by itself (no KARUKU_HOME).
        Path data = home.resolve(".local/share/karuku");
        KarukuCommand karuku = new KarukuCommand("karuku", Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(),
                "KARUKU_HOME", "", "XDG_DATA_HOME", ""));

        install(deb);
        assertThat(SystemDpkg.version(PACKAGE)).isEqualTo("0.1.0");
        assertThat(karuku.startsFromItsClassArchive(tmp)).as("the installed jars match the class archive from the"
                + " first start (postinst gave them back the archive's time)").isTrue();
        assertThat(Files.readSymbolicLink(ON_PATH)).as("`karuku` on PATH").isEqualTo(INSTALL_DIR.resolve("bin/karuku"));
        assertThat(GGUF_MIME_TYPE).as("*.gguf known to the system as application/x-gguf").content().contains("*.gguf");
        // xdg-desktop-menu (what jpackage's postinst calls) installs system-wide only where a desktop made these.
        if (Files.isDirectory(Path.of("/etc/xdg/menus")) && Files.isDirectory(Path.of("/usr/share/desktop-directories"))) {
            assertThat(MENU_ENTRY).as("the menu entry").isRegularFile();
        } else {
            System.out.println("[installers-it] no /etc/xdg/menus or /usr/share/desktop-directories (no desktop): the install went on without"
                    + " a menu entry, as it should; the entry itself is not checked here");
        }
        Path models = Files.createDirectories(data.resolve("models/test-models"));
        Path model = karuku.makeQuantizedTestModel(models);
        karuku.continuesTheAlphabet(model);
        Files.writeString(data.resolve("settings.json"), "{\"language\":\"ja\"}");
        Files.createDirectories(data.resolve("conversations"));
        Files.writeString(data.resolve("conversations/first.jsonl"), "{\"role\":\"user\",\"text\":\"abc\"}\n");
        Map<String, String> before = snapshot(data);

        install(repackedAs("0.1.1", tmp.resolve("upgrade")));
        assertThat(SystemDpkg.version(PACKAGE)).as("upgraded in place").isEqualTo("0.1.1");
        assertThat(Files.readSymbolicLink(ON_PATH)).as("`karuku` on PATH after the upgrade").isEqualTo(INSTALL_DIR.resolve("bin/karuku"));
        karuku.continuesTheAlphabet(model);
        assertThat(snapshot(data)).as("user data after the upgrade").isEqualTo(before);

        Proc remove = dpkg.asRoot(tmp, "dpkg", "-r", PACKAGE);
        assertThat(remove.exit()).as(remove.toString()).isZero();
        assertThat(INSTALL_DIR).as("the program is gone").doesNotExist();
        assertThat(Files.exists(ON_PATH, LinkOption.NOFOLLOW_LINKS)).as("/usr/bin/karuku is gone").isFalse();
        assertThat(MENU_ENTRY).as("the menu entry is gone").doesNotExist();
        assertThat(GGUF_MIME_TYPE).as("the .gguf type is gone").doesNotExist();
        assertThat(snapshot(data)).as("user data after uninstall").isEqualTo(before);

        Proc purge = dpkg.asRoot(tmp, "dpkg", "--purge", PACKAGE);
        assertThat(purge.exit()).as(purge.toString()).isZero();
        assertThat(SystemDpkg.status(PACKAGE)).as("nothing of the package left in dpkg's database").isEmpty();
        assertThat(snapshot(data)).as("user data after purge").isEqualTo(before);
    }

    private void install(Path file) throws Exception {
        installedByUs = true;
        long start = System.nanoTime();
        Proc install = dpkg.asRoot(tmp, "dpkg", "-i", file.toString());
        assertThat(install.exit()).as(install.toString()).isZero();
        assertThat(install.err()).as("dpkg -i prints no warnings").doesNotContain("warning");
        assertThat(SystemDpkg.status(PACKAGE)).isEqualTo("ii");
        System.out.printf("[installers-it] dpkg -i %s: %d ms%n", file.getFileName(), (System.nanoTime() - start) / 1_000_000);
    }

    /// The same package with another version number: what the next release looks like to dpkg.
    private Path repackedAs(String version, Path dir) throws Exception {
        Path tree = Files.createDirectories(dir).resolve("tree");
        Proc raw = Proc.run(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()), Map.of(), tmp, 300);
        assertThat(raw.exit()).as(raw.toString()).isZero();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path next = dir.resolve("karuku_" + version + "_amd64.deb");
        Proc build = Proc.run(List.of("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), next.toString()),
                Map.of(), tmp, 300);
        assertThat(build.exit()).as(build.toString()).isZero();
        return next;
    }

    /// Every file under `dir` with a digest of its bytes.
    private static Map<String, String> snapshot(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            Map<String, String> all = new TreeMap<>();
            files.filter(Files::isRegularFile).forEach(f -> all.put(dir.relativize(f).toString(), sha256(f)));
            return all;
        }
    }

    private static String sha256(Path f) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
