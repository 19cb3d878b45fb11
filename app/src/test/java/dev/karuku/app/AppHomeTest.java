package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/// The app keeps its data where the command line does, so `karuku list` shows what the app downloaded.
class AppHomeTest {
    final Path user = Path.of("/home/u");

    @Test
    void theAppFollowsKarukuHomeLikeTheCommandLine() {
        assertThat(AppHome.resolve(null, Map.of("KARUKU_HOME", "/data/k"), user, "Linux")).isEqualTo(Path.of("/data/k"));
        assertThat(AppHome.resolve("/explicit", Map.of("KARUKU_HOME", "/data/k"), user, "Linux")).isEqualTo(Path.of("/explicit"));
        assertThat(AppHome.resolve(null, Map.of(), user, "Linux")).isEqualTo(Path.of("/home/u/.local/share/karuku"));
        assertThat(AppHome.resolve(null, Map.of("XDG_DATA_HOME", "/x"), user, "Linux")).isEqualTo(Path.of("/x/karuku"));
    }
}
