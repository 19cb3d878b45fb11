package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.LogLevel;
import dev.karuku.engine.llama.LogLine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/// The one `llama_log_set` callback of the process: assembles llama.cpp's log fragments into lines and hands
/// each line to `System.Logger` ("llama.cpp"), to process-wide listeners, and to captures active on the
/// logging thread.
///
/// llama.cpp logs in fragments: a line may arrive in several calls, and `GGML_LOG_LEVEL_CONT` (5) continues the
/// previous message with its level (the loader's progress dots, multi-part lines). So text is buffered per thread
/// until a newline. The upcall stub lives in the global arena: llama.cpp keeps the pointer for the whole process.
/// An exception escaping an upcall would kill the JVM, so everything here catches.
public final class LogBridge {

    private LogBridge() {}

    private static final System.Logger LOGGER = System.getLogger("llama.cpp");
    private static final List<Consumer<LogLine>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<List<Consumer<LogLine>>> CAPTURES = ThreadLocal.withInitial(ArrayList::new);
    private static final ThreadLocal<Pending> PENDING = ThreadLocal.withInitial(Pending::new);
    private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

    /// The last lines this thread logged, so a failed call on a hot path (decode) can be explained without
    /// setting up a capture before every call.
    private static final class Recent {
        final LogLine[] ring = new LogLine[32];
        long count;
    }

    private static final class Pending {
        final StringBuilder text = new StringBuilder();
        LogLevel level = LogLevel.INFO;
    }

    static void install(SymbolLookup lookup) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle target = MethodHandles.lookup().findStatic(LogBridge.class, "onLog",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(target,
                    FunctionDescriptor.ofVoid(JAVA_INT, Abi.C_POINTER, Abi.C_POINTER), Arena.global());
            MethodHandle logSet = linker.downcallHandle(NativeLoader.find(lookup, "llama_log_set"),
                    FunctionDescriptor.ofVoid(Abi.C_POINTER, Abi.C_POINTER));
            logSet.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot install llama.cpp's log callback", t);
        }
    }

    /// Called by llama.cpp and ggml, on whatever thread logs.
    private static void onLog(int level, MemorySegment text, MemorySegment userData) {
        try {
            if (text.equals(MemorySegment.NULL)) return;
            String s = text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
            accept(LogLevel.fromNative(level), s);
        } catch (Throwable ignored) {
            // Never let anything escape into native code.
        }
    }

    /// Assembles fragments into lines; visible for tests of the CONT handling.
    static void accept(LogLevel level, String fragment) {
        Pending p = PENDING.get();
        if (level != LogLevel.CONT) {
            if (!p.text.isEmpty()) flush(p);
            p.level = level;
        }
        p.text.append(fragment);
        int nl;
        while ((nl = p.text.indexOf("\n")) >= 0) {
            String line = p.text.substring(0, nl);
            p.text.delete(0, nl + 1);
            publish(new LogLine(p.level, line));
        }
    }

    private static void flush(Pending p) {
        String line = p.text.toString();
        p.text.setLength(0);
        publish(new LogLine(p.level, line));
    }

    private static void publish(LogLine line) {
        if (line.text().isBlank()) return;
        System.Logger.Level jl = switch (line.level()) {
            case ERROR -> System.Logger.Level.ERROR;
            case WARN -> System.Logger.Level.WARNING;
            case INFO -> System.Logger.Level.DEBUG;
            default -> System.Logger.Level.TRACE;
        };
        try {
            if (LOGGER.isLoggable(jl)) LOGGER.log(jl, line.text());
        } catch (Throwable ignored) {
            // a broken logging configuration must not break inference
        }
        Recent r = RECENT.get();
        r.ring[(int) (r.count++ % r.ring.length)] = line;
        for (Consumer<LogLine> l : LISTENERS) safe(l, line);
        for (Consumer<LogLine> c : List.copyOf(CAPTURES.get())) safe(c, line);
    }

    private static void safe(Consumer<LogLine> c, LogLine line) {
        try {
            c.accept(line);
        } catch (Throwable ignored) {
            // one listener's bug must not hide lines from the others or reach native code
        }
    }

    /// A mark for [#linesSince]: how many lines this thread has logged so far.
    public static long mark() {
        return RECENT.get().count;
    }

    /// Lines this thread logged since `mark` (at most the last 32).
    public static List<LogLine> linesSince(long mark) {
        Pending p = PENDING.get();
        if (!p.text.isEmpty()) flush(p);
        Recent r = RECENT.get();
        List<LogLine> out = new ArrayList<>();
        for (long i = Math.max(mark, r.count - r.ring.length); i < r.count; i++) out.add(r.ring[(int) (i % r.ring.length)]);
        return out;
    }

    public static void addListener(Consumer<LogLine> listener) {
        LISTENERS.add(listener);
    }

    public static void removeListener(Consumer<LogLine> listener) {
        LISTENERS.remove(listener);
    }

    /// Starts capturing the lines this thread logs; [#endThreadCapture] with the same sink stops it.
    public static void beginThreadCapture(Consumer<LogLine> sink) {
        CAPTURES.get().add(sink);
    }

    public static void endThreadCapture(Consumer<LogLine> sink) {
        Pending p = PENDING.get();
        if (!p.text.isEmpty()) flush(p); // a last line without newline belongs to this capture
        CAPTURES.get().remove(sink);
    }
}
