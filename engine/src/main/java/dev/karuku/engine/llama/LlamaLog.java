package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.LogBridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/// llama.cpp's log, as Java sees it: complete lines ([LogLine]) from a single native callback.
///
/// Lines always go to `System.Logger` "llama.cpp" (ERROR→ERROR, WARN→WARNING, INFO→DEBUG, DEBUG→TRACE). Code that
/// needs to *read* the log — the memory estimator verifying its numbers against "CPU_Mapped model buffer size =
/// 634.75 MiB", "KV buffer size", "offloaded 8/17 layers to GPU" — either captures what one piece of work logs:
///
/// ```java
/// var captured = LlamaLog.capture(() -> runtime.loadModel(path, options));
/// try (Model m = captured.value()) { captured.lines().forEach(System.out::println); }
/// ```
///
/// or subscribes to every line of the process (all threads) until it closes the subscription:
///
/// ```java
/// try (var sub = LlamaLog.subscribe(line -> lines.add(line))) { … }
/// ```
///
/// A capture sees only lines logged *by the calling thread* while the work runs, so two models loading at once
/// on two workers never mix their lines; llama.cpp logs a model load on the thread that loads it.
public final class LlamaLog {

    private LlamaLog() {}

    /// An active subscription; closing it stops delivery. Closing twice is harmless.
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /// The value a piece of work returned and the log lines it produced, in order.
    public record Captured<T>(T value, List<LogLine> lines) {
        public Captured {
            lines = List.copyOf(lines);
        }
    }

    /// Delivers every log line of the process, from any thread, to `listener` until the subscription closes.
    /// The listener runs on the logging thread, inside a native call: keep it short, never block.
    public static Subscription subscribe(Consumer<LogLine> listener) {
        LogBridge.addListener(listener);
        return () -> LogBridge.removeListener(listener);
    }

    /// Runs `work` on this thread and returns its value with the lines this thread logged meanwhile.
    /// If `work` throws, the exception propagates; a [LlamaException] carries its own lines ([LlamaException#log]).
    public static <T> Captured<T> capture(Callable<T> work) throws Exception {
        List<LogLine> lines = Collections.synchronizedList(new ArrayList<>());
        Consumer<LogLine> sink = lines::add;
        LogBridge.beginThreadCapture(sink);
        T value;
        try {
            value = work.call();
        } finally {
            LogBridge.endThreadCapture(sink);
        }
        return new Captured<>(value, lines);
    }

    /// [#capture(Callable)] for work without a value.
    public static List<LogLine> capture(Runnable work) {
        try {
            return capture(() -> {
                work.run();
                return null;
            }).lines();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
