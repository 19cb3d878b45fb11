package dev.karuku.engine.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingHandlerTest {
    @TempDir Path dir;

    @Test
    void aFullLogShiftsIntoNumberedFilesAndTheOldestIsDropped() throws Exception {
        var handler = new RotatingHandler(dir, "karuku", 1000, 3);
        handler.setFormatter(new Formatter() {
            @Override public String format(LogRecord r) { return r.getMessage() + "\n"; }
        });
        for (int i = 0; i < 100; i++) handler.publish(new LogRecord(Level.INFO, "line %03d ".formatted(i) + "x".repeat(90)));
        handler.close();

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("karuku.1.log", "karuku.2.log", "karuku.log");
        }
        assertThat(Files.size(dir.resolve("karuku.log"))).isLessThanOrEqualTo(1000);
        assertThat(Files.readString(dir.resolve("karuku.log"))).contains("line 099");
        assertThat(Files.readString(dir.resolve("karuku.2.log"))).doesNotContain("line 000");
    }

    @Test
    void tokensAreHiddenWhetherKnownOrShapedLikeOne() {
        assertThat(LogFile.redact("GET with my-secret and hf_AbCdEf123456 ok", List.of("my-secret", "")))
                .isEqualTo("GET with [token hidden] and [token hidden] ok");
    }
}
