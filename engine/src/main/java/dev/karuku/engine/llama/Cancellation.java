package dev.karuku.engine.llama;

import dev.karuku.engine.llama.internal.AbortPredicate;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/// A flag that stops work in progress: checked between tokens, between prompt chunks, and by llama.cpp itself
/// during a long prompt evaluation (the context's abort callback). Any thread may cancel; it cannot be undone.
///
/// The flag is mirrored in two bytes of native memory that llama.cpp reads without calling back into Java (see
/// `AbortPredicate`), so checking it between graph nodes costs nothing.
public final class Cancellation {

    private volatile boolean cancelled;
    private final MemorySegment nativeFlag = Arena.ofAuto().allocate(AbortPredicate.FLAG_BYTES);

    public void cancel() {
        cancelled = true;
        nativeFlag.set(JAVA_BYTE, 0, (byte) 1);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /// `{0, 0}` until cancelled, then `{1, 0}`: the argument of the native abort predicate.
    MemorySegment nativeFlag() {
        return nativeFlag;
    }

    /// A flag nobody cancels.
    public static Cancellation none() {
        return new Cancellation();
    }
}
