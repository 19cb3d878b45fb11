package dev.karuku.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

@DisabledOnOs(OS.WINDOWS)
class HomePathsTest {
    final Path home = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();

    @Test
    void aFolderInTheHomeFolderIsShownWithATildeAndReadBack() {
        Path models = home.resolve(".local/share/karuku/models");
        assertThat(HomePaths.shown(models)).isEqualTo("~/.local/share/karuku/models");
        assertThat(HomePaths.typed("~/.local/share/karuku/models")).isEqualTo(models);
        assertThat(HomePaths.typed(" ~ ")).isEqualTo(home);
    }

    @Test
    void aFolderElsewhereIsShownAsItIs() {
        Path other = Path.of("/srv/models");
        assertThat(HomePaths.shown(other)).isEqualTo("/srv/models");
        assertThat(HomePaths.typed("/srv/models")).isEqualTo(other);
        assertThat(HomePaths.shown(home.resolveSibling(home.getFileName() + "-other"))).doesNotStartWith("~");
    }
}
