package dev.karuku.app.bench;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/// Records the time of every JavaFX pulse (an `AnimationTimer` runs once per pulse, on the FX thread) and how long
/// the FX thread took to run a task posted to it: a probe thread posts one every 5 ms with `Platform.runLater`, and
/// the longest wait is the longest the window could not have answered a click.
final class FrameRecorder {
    private static final long PROBE_NANOS = 5_000_000;

    private long[] pulses = new long[4096];
    private int count;
    private volatile long longestStallNanos;
    private volatile boolean recording;
    private LongFrame frame;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            if (count == pulses.length) pulses = Arrays.copyOf(pulses, count * 2);
            pulses[count++] = System.nanoTime();
            if (frame != null) {
                frame.end();
                if (frame.shouldCommit()) frame.commit();
            }
            frame = new LongFrame();
            frame.begin();
        }
    };

    /// A frame (the time between two pulses' starts) over 20 ms, for a flight recording of the benchmark: its
    /// window is where the FX thread's samples that cost the frame lie.
    @jdk.jfr.Name("karuku.LongFrame")
    @jdk.jfr.Label("Long frame")
    @jdk.jfr.Threshold("20 ms")
    static final class LongFrame extends jdk.jfr.Event {
    }

    /// Starts recording; call on the FX thread.
    void start() {
        count = 0;
        longestStallNanos = 0;
        recording = true;
        timer.start();
        Thread.ofPlatform().daemon().name("bench-fx-probe").start(() -> {
            while (recording) {
                long posted = System.nanoTime();
                Platform.runLater(() -> {
                    long stall = System.nanoTime() - posted;
                    if (stall > longestStallNanos) longestStallNanos = stall;
                });
                LockSupport.parkNanos(PROBE_NANOS);
            }
        });
    }

    /// Stops recording; call on the FX thread. Returns the pulse times (ns, `System.nanoTime`).
    long[] stop() {
        timer.stop();
        recording = false;
        return Arrays.copyOf(pulses, count);
    }

    long longestStallNanos() {
        return longestStallNanos;
    }
}
