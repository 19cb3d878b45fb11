package dev.karuku.cli;

import static dev.karuku.cli.CliRun.run;

import dev.karuku.engine.gguf.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `karuku serve` refuses what would be unsafe or cannot work, with one line, before it loads anything.
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void aHostOtherComputersReachNeedsAnApiKey() throws Exception {
        Path model = TestModels.successor(dir.resolve("successor.gguf"));
        CliRun.Result r = run("serve", model.toString(), "--host", "0.0.0.0", "--port", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("karuku: listening on 0.0.0.0 lets other computers use your models")
                .contains("--api-key");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aModelThatIsNeitherAFileNorInstalledIsOneLine() {
        CliRun.Result r = run("serve", dir.resolve("missing.gguf").toString(), "--port", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("no model file or installed model named", "missing.gguf");
    }

    @Test
    void keepAliveTakesDurationsZeroAndForever() {
        assertThat(ServeCommand.keepAlive("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServeCommand.keepAlive("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ServeCommand.keepAlive("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ServeCommand.keepAlive("0")).isEqualTo(Duration.ZERO);
        assertThat(ServeCommand.keepAlive("forever")).isNull();
        assertThatThrownBy(() -> ServeCommand.keepAlive("soon")).hasMessageContaining("--keep-alive");
    }
}
