package dev.karuku.app.discover;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/// Runs an action once typing pauses: each [#submit] supersedes the previous one, and only the last submission
/// of a burst reaches the action, `delay` after it. The wait happens on a virtual thread; the action is handed to
/// `deliver` (the UI thread in the app), which runs it only if no newer submission came meanwhile.
final class Debouncer {
    private final Duration delay;
    private final Consumer<Runnable> deliver;
    private final AtomicLong generation = new AtomicLong();

    Debouncer(Duration delay, Consumer<Runnable> deliver) {
        this.delay = delay;
        this.deliver = deliver;
    }

    void submit(Runnable action) {
        long mine = generation.incrementAndGet();
        Thread.ofVirtual().name("karuku-debounce").start(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            if (generation.get() == mine) deliver.accept(() -> {
                if (generation.get() == mine) action.run();
            });
        });
    }

    /// Drops a pending submission (an explicit search makes the typed one redundant).
    void cancel() {
        generation.incrementAndGet();
    }
}
