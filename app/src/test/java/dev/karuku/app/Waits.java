package dev.karuku.app;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/// Polls a condition for ViewModel tests that run without the toolkit (background work on virtual threads).
public final class Waits {
    private Waits() {}

    public static void until(Duration max, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within " + max);
            Thread.sleep(10);
        }
    }
}
