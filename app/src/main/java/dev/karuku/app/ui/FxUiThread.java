package dev.karuku.app.ui;

import javafx.application.Platform;

/// The JavaFX thread: runs at once when already on it, else queues with `Platform.runLater`.
public final class FxUiThread implements UiThread {
    @Override
    public void execute(Runnable task) {
        if (Platform.isFxApplicationThread()) task.run();
        else Platform.runLater(task);
    }
}
