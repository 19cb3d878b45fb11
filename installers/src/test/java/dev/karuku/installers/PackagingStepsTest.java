package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackagingStepsTest {

    @Test
    void runtimeGetsJdepsModulesPlusRunTimeOnlyOnesWithTheHttpServerForKarukuServe() {
        List<String> modules = RuntimeModules.merge("java.base,java.sql,jdk.httpserver,javafx.controls");
        assertThat(modules).contains("java.base", "java.sql", "java.net.http", "jdk.localedata", "jdk.charsets",
                "javafx.controls", "javafx.fxml", "jdk.httpserver").doesNotHaveDuplicates();
    }

    @Test
    void aModuleJdepsCannotResolveIsTracedToItsJar(@TempDir Path dir) throws Exception {
        Path yaml = Path.of(com.fasterxml.jackson.databind.ObjectMapper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String error = "Error: Module org.yaml.snakeyaml not found, required by com.fasterxml.jackson.databind";
        assertThat(RuntimeModules.unresolvedModuleJar(error, List.of(dir, yaml))).isEqualTo(yaml);
        assertThat(RuntimeModules.unresolvedModuleJar("Error: something else", List.of(yaml))).isNull();
    }

    @Test
    void cdsArchiveIsAddedToTheLauncherConfigurationWithItsLogsSilenced(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("Karuku.cfg");
        Files.writeString(cfg, "[Application]\napp.mainclass=x.Y\n\n[JavaOptions]\njava-options=-Dx=1\n");
        AppCds.useArchive(cfg, "karuku.jsa", 1_790_000_000L);
        assertThat(Files.readAllLines(cfg)).containsSubsequence("[JavaOptions]", "java-options=-Xlog:cds*=off",
                "java-options=-XX:SharedArchiveFile=$APPDIR/karuku.jsa", "java-options=-Dkaruku.cds.jarTime=1790000000",
                "java-options=-Dx=1");
    }

    @Test
    void installerNamesCarryTheArchitectureExceptDebiansOwn() {
        assertThat(Installers.finalName("karuku_0.1.0_amd64.deb", "deb")).isEqualTo("karuku_0.1.0_amd64.deb");
        assertThat(Installers.finalName("Karuku-0.1.0.dmg", "dmg")).matches("Karuku-0\\.1\\.0-(x64|arm64)\\.dmg");
    }

    @Test
    void debCompressionIsPassedToDpkgAndNonsenseIsRefused() {
        assertThat(Installers.debCompression("gzip:1")).containsEntry("DPKG_DEB_COMPRESSOR_TYPE", "gzip")
                .containsEntry("DPKG_DEB_COMPRESSOR_LEVEL", "1");
        assertThatThrownBy(() -> Installers.debCompression("rar")).hasMessageContaining("Unknown .deb compression");
    }

    @Test
    void commandLineLauncherNeverCollidesWithTheAppOnCaseInsensitiveSystems() {
        for (Platform p : Platform.values()) {
            assertThat(p.cliLauncherName().equalsIgnoreCase(AppImage.NAME) && p != Platform.LINUX).isFalse();
        }
        assertThat(Platform.WINDOWS.cliLauncherName()).isEqualTo("karuku-cli");
        assertThat(AppImage.cliLauncherProperties(Platform.WINDOWS, "-XX:MaxGCPauseMillis=8")).contains("win-console=true")
                .contains("main-class=dev.karuku.cli.Main").contains("-Dkaruku.natives=$APPDIR/natives")
                .contains(" -XX:MaxGCPauseMillis=8 ");
    }
}
