package dev.karuku.installers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AppVersionTest {

    @Test
    void snapshotInstallsAsItsNumbers() {
        assertThat(AppVersion.parse("0.1.0-SNAPSHOT")).hasToString("0.1.0");
        assertThat(AppVersion.parse("2.3")).hasToString("2.3.0");
        assertThat(AppVersion.parse("1.2.3.4-rc1")).hasToString("1.2.3");
    }

    @Test
    void versionsWindowsCannotInstallAreRefusedWithAReason() {
        assertThatThrownBy(() -> AppVersion.parse("SNAPSHOT")).hasMessageContaining("does not start with a number");
        assertThatThrownBy(() -> AppVersion.parse("256.0.0")).hasMessageContaining("at most 255");
    }
}
