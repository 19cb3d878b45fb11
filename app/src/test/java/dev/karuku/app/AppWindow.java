package dev.karuku.app;

import java.util.concurrent.Callable;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/// The whole app in a real window for a TestFX test: made and started on a fresh primary stage, sized, and closed
/// again with every window it opened. The screen tests share this instead of each copying the set-up.
public final class AppWindow {
    private AppWindow() {}

    /// Registers a primary stage, makes the app with `make` (after the toolkit is up, as the app expects) and starts
    /// it in that stage.
    public static KarukuApp start(Callable<KarukuApp> make) throws Exception {
        FxToolkit.registerPrimaryStage();
        KarukuApp app = make.call();
        FxToolkit.setupApplication(() -> app);
        return app;
    }

    /// Makes the window `width` wide (wide enough for every screen's layout).
    public static void width(FxRobot robot, double width) {
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setWidth(width));
    }

    /// Makes the window `width` × `height`.
    public static void size(FxRobot robot, double width, double height) {
        width(robot, width);
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(height));
    }

    /// Stops `app` (null: none was started) and closes its windows.
    public static void close(KarukuApp app) throws Exception {
        if (app != null) FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
    }
}
