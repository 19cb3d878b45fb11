package dev.karuku.app.ui;

import java.util.concurrent.Executor;

/// Where ViewModels publish results: the JavaFX thread in the app, the calling thread in tests. Injected so a
/// ViewModel never touches `Platform` and its tests run without the toolkit.
@FunctionalInterface
public interface UiThread extends Executor {
    /// Runs tasks at once on the caller's thread: for tests.
    static UiThread direct() {
        return Runnable::run;
    }
}
