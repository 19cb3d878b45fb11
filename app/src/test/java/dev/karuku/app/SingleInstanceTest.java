package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.shell.Page;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// A second launch (a double-click on another model while Karuku is open) hands its file to the open window and
/// exits, instead of starting a second app that would load a second model.
class SingleInstanceTest {
    @TempDir Path home;
    @TempDir Path models;
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        if (app == null) return;
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }

    @Test
    void aSecondLaunchHandsItsFileToTheOpenWindowAndExits() throws Exception {
        FxToolkit.registerPrimaryStage();
        app = new KarukuApp(home);
        FxToolkit.setupApplication(() -> app);
        WaitForAsyncUtils.waitForFxEvents();
        Path model = TestModels.successor(models.resolve("double-clicked.gguf"));

        Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkaruku.home=" + home, "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), model.toString())
                .redirectErrorStream(true).start();
        try {
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second launch exits").isTrue();
            assertThat(second.exitValue()).as(new String(second.getInputStream().readAllBytes())).isZero();
        } finally {
            second.destroyForcibly(); // a second app that started its own window
        }

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> model.equals(app.load().file().get()));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(app.shell().page().get()).isEqualTo(Page.LOAD);
    }

    @Test
    void withNoKarukuRunningALaunchStartsItself() throws Exception {
        assertThat(SingleInstance.handOff(home, List.of("x.gguf"))).isFalse();
        // a port file left by a crashed instance: nobody answers, so this launch starts
        Files.writeString(home.resolve(SingleInstance.PORT_FILE), "1 0123456789abcdef\n");
        assertThat(SingleInstance.handOff(home, List.of("x.gguf"))).isFalse();
    }
}
