package dev.karuku.engine.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveJarTimesTest {

    static final long ARCHIVE_TIME = 1_790_000_000L;

    @Test
    void jarsCopiedByAnInstallerGetTheArchiveTimeBackAndOtherFilesAreLeftAlone(@TempDir Path app) throws Exception {
        Path copied = Files.writeString(app.resolve("karuku-app.jar"), "copied by the installer");
        Path kept = Files.writeString(app.resolve("picocli.jar"), "kept its time");
        Files.setLastModifiedTime(kept, FileTime.from(ARCHIVE_TIME, TimeUnit.SECONDS));
        Path cfg = Files.writeString(app.resolve("Karuku.cfg"), "[Application]");
        FileTime cfgTime = Files.getLastModifiedTime(cfg);

        assertThat(ArchiveJarTimes.restore(app, ARCHIVE_TIME)).isEqualTo(1);

        assertThat(Files.getLastModifiedTime(copied).to(TimeUnit.SECONDS)).isEqualTo(ARCHIVE_TIME);
        assertThat(Files.readString(copied)).isEqualTo("copied by the installer");
        assertThat(Files.getLastModifiedTime(kept).to(TimeUnit.SECONDS)).isEqualTo(ARCHIVE_TIME);
        assertThat(Files.getLastModifiedTime(cfg)).isEqualTo(cfgTime);
        assertThat(ArchiveJarTimes.restore(app, ARCHIVE_TIME)).as("a second launch changes nothing").isZero();
    }

    @Test
    void aFolderThatIsNotThereChangesNothingAndThrowsNothing(@TempDir Path dir) {
        assertThat(ArchiveJarTimes.restore(dir.resolve("gone"), ARCHIVE_TIME)).isZero();
    }

    @Test
    void aDevelopmentRunWithoutTheLaunchersPropertyChangesNothing() {
        assertThat(System.getProperty(ArchiveJarTimes.PROPERTY)).isNull();
        assertThat(ArchiveJarTimes.restore()).isZero();
    }
}
