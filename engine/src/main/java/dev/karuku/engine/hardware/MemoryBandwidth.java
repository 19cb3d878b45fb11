package dev.karuku.engine.hardware;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CyclicBarrier;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// Measures memory read bandwidth the way token generation uses memory: `threads` threads each stream through
/// their own slice of an off-heap buffer far larger than the caches, summing longs. The best of several passes
/// counts (a pass disturbed by another process is slower, never faster).
///
/// Generation reads every weight once per token, so tokens/s can never exceed bandwidth ÷ bytes read per token
/// (the benchmark's `BandwidthBound`; the speed estimate's CPU figure, see `MeasuredSpeeds`).
/// `benchmarks/bandwidth.c` measures the same with C and `-O3 -march=native`; the benchmark report shows both.
public final class MemoryBandwidth {

    /// The result of a measurement.
    public record Result(String method, int threads, long bytes, int passes, double gbPerSecond) {}

    private MemoryBandwidth() {}

    public static Result measure(int threads, long bytes, int passes) {
        if (threads < 1 || passes < 1) throw new IllegalArgumentException("threads and passes must be at least 1");
        long perThread = bytes / threads / 64 * 64;
        if (perThread < 64) throw new IllegalArgumentException("buffer too small: " + bytes);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(perThread * threads, 4096);
            for (long i = 0; i < buf.byteSize(); i += 8) buf.set(JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
            double best = 0;
            long sink = 0;
            for (int pass = 0; pass < passes; pass++) {
                long[] sums = new long[threads];
                CyclicBarrier start = new CyclicBarrier(threads + 1);
                CyclicBarrier end = new CyclicBarrier(threads + 1);
                Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    int k = t;
                    MemorySegment slice = buf.asSlice(k * perThread, perThread);
                    workers[t] = Thread.ofPlatform().name("karuku-bandwidth-" + k).start(() -> {
                        await(start);
                        sums[k] = sum(slice);
                        await(end);
                    });
                }
                await(start);
                long t0 = System.nanoTime();
                await(end);
                long dt = System.nanoTime() - t0;
                for (Thread w : workers) join(w);
                for (long s : sums) sink += s;
                best = Math.max(best, perThread * threads / (dt / 1e9) / 1e9);
            }
            if (sink == 42) System.out.print(""); // keeps the sums alive
            return new Result("java-memorysegment", threads, perThread * threads, passes, best);
        }
    }

    /// Four independent accumulators so the loop is limited by loads, not by one dependency chain.
    private static long sum(MemorySegment s) {
        long a = 0, b = 0, c = 0, d = 0;
        long n = s.byteSize();
        for (long i = 0; i < n; i += 32) {
            a += s.get(JAVA_LONG, i);
            b += s.get(JAVA_LONG, i + 8);
            c += s.get(JAVA_LONG, i + 16);
            d += s.get(JAVA_LONG, i + 24);
        }
        return a + b + c + d;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException("bandwidth measurement interrupted", e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bandwidth measurement interrupted", e);
        }
    }
}
