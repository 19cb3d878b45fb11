package dev.karuku.app.ui;

import javafx.animation.AnimationTimer;

/// [Pulse] driven by an `AnimationTimer`: one tick per JavaFX pulse (about 60 a second), on the FX thread.
public final class FramePulse implements Pulse {
    @Override
    public Ticking start(Runnable onTick) {
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                onTick.run();
            }
        };
        new FxUiThread().execute(timer::start);
        return () -> new FxUiThread().execute(timer::stop);
    }
}
