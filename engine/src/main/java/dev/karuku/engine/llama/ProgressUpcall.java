package dev.karuku.engine.llama;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/// `bool (*progress_callback)(float progress, void * user_data)` for one load: forwards to the listener and
/// remembers whether it asked to cancel, so a NULL model can be told apart from a failure.
final class ProgressUpcall {

    private static final MethodHandle TARGET;

    static {
        try {
            TARGET = MethodHandles.lookup().findVirtual(ProgressUpcall.class, "onProgress",
                    MethodType.methodType(boolean.class, float.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoadProgressListener listener;
    private volatile boolean cancelled;

    ProgressUpcall(LoadProgressListener listener) {
        this.listener = listener;
    }

    /// The C function pointer, valid while `arena` is open (the duration of the load).
    MemorySegment stub(Arena arena) {
        return Linker.nativeLinker().upcallStub(TARGET.bindTo(this),
                FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_FLOAT, ADDRESS), arena);
    }

    private boolean onProgress(float progress, MemorySegment userData) {
        try {
            if (!cancelled && !listener.onProgress(progress)) cancelled = true;
        } catch (Throwable t) {
            cancelled = true; // a failing listener cannot be told; stop rather than crash inside native code
        }
        return !cancelled;
    }

    boolean cancelled() {
        return cancelled;
    }
}
