package dev.karuku.engine.hub;

import java.time.Duration;

/// How retries wait. Production sleeps; tests pass a recorder so back-off is checked without slowing the build.
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d);
}
