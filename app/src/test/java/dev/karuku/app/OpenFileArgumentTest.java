package dev.karuku.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.shell.Page;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// A `.gguf` the app is started with — a double-click through the installers' file association — opens on the
/// Load screen with the options that fit best on this PC, ready to load.
class OpenFileArgumentTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    @AfterEach
    void close() throws Exception {
        if (app != null) FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        System.clearProperty("karuku.home");
    }

    @Test
    void aDoubleClickedModelOpensOnTheLoadScreenWithTheBestFit() throws Exception {
        Path model = TestModels.successor(home.resolve("successor.gguf"));
        System.setProperty("karuku.home", home.resolve("data").toString()); // the no-argument constructor's data folder
        FxToolkit.registerPrimaryStage();
        app = (KarukuApp) FxToolkit.setupApplication(KarukuApp.class, model.toString());

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.shell() != null && app.shell().page().get() == Page.LOAD);
        assertThat(app.load().file().get()).isEqualTo(model.toAbsolutePath());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Waits.onFx(() -> robot.lookup("#load-start").tryQuery()
                .map(n -> ((Label) n).getText()).orElse("").equals("The best fit for this PC")));
        assertThat(app.load().flashAttention().get()).isEqualTo(dev.karuku.engine.settings.FlashAttention.AUTO);
        // the plan comes from the background (the first one also measures this machine's memory speed)
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Waits.onFx(() -> app.load().maxGpuLayers().get() == 3));
    }
}
