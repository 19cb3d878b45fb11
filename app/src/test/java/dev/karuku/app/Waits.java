package dev.karuku.app;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/// Polls a condition for ViewModel tests that run without the toolkit (background work on virtual threads).
public final class Waits {
    private Waits() {}

    /// Evaluates a TestFX wait condition on the JavaFX thread: a scene-graph lookup from the test thread can race
    /// the UI changing the very children it walks (a streaming answer adds nodes every pulse).
    public static boolean onFx(Callable<Boolean> condition) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(condition).get();
    }

    public static void until(Duration max, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within " + max);
            Thread.sleep(10);
        }
    }
}
