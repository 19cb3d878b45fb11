package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.Messages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The app's entry point when the window cannot open: one line saying what to install or set, a failing exit,
/// no stack trace — under `javafx:run` (whose main class it is) and the installed launchers alike.
class LauncherTest {
    @TempDir Path dir;

    @Test
    void javaFxsMissingGtkBecomesTheReadmesPackagesToInstall() {
        // what JavaFX 25's glass toolkit throws from Application.launch when GTK 3 cannot be loaded
        var gtk = new RuntimeException(new UnsupportedOperationException("Unable to load glass GTK library."));
        assertThat(Launcher.explain(gtk, new Messages(Locale.ENGLISH))).hasValueSatisfying(line -> assertThat(line)
                .startsWith("Karuku cannot open its window: the GTK 3 libraries are missing.")
                .contains("sudo apt install libgtk-3-0 libxtst6 libgl1 fonts-noto-cjk").doesNotContain("\n"));
        assertThat(Launcher.explain(gtk, new Messages(Locale.JAPANESE))).hasValueSatisfying(line -> assertThat(line)
                .contains("GTK 3 のライブラリがありません").contains("libgtk-3-0 libxtst6 libgl1 fonts-noto-cjk"));
        assertThat(Launcher.explain(new IllegalStateException("something else"), new Messages(Locale.ENGLISH))).isEmpty();
    }

    @Test
    void withoutADisplayTheLauncherPrintsOneLineAndExitsNonZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Duser.language=en",
                "-Duser.country=US", "-cp", System.getProperty("java.class.path"), Launcher.class.getName());
        pb.environment().put("DISPLAY", ":" + (4000 + ProcessHandle.current().pid() % 1000)); // no X server there
        pb.environment().put("KARUKU_HOME", dir.resolve("home").toString());
        Process p = pb.redirectErrorStream(false).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher exits").isTrue();

        assertThat(p.exitValue()).isEqualTo(1);
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.contains("PlatformImpl startup") && !l.contains("Unsupported JavaFX configuration"))
                .toList();
        assertThat(lines).as(String.join("\n", lines)).singleElement().asString()
                .startsWith("Karuku cannot open its window: no display could be opened (DISPLAY=:");
    }
}
