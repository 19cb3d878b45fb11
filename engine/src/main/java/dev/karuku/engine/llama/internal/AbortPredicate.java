package dev.karuku.engine.llama.internal;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/// A native abort callback for llama.cpp that never calls back into Java.
///
/// ggml's CPU backend asks the context's abort callback after **every graph node** (~600 per token for a 1B
/// model), on the thread that called `llama_decode`. A Java upcall there costs a native→Java→native transition
/// each time, and whenever the JVM wants a safepoint that thread waits in the transition while ggml's other worker
/// spins at the next barrier on the CPU the JVM needs: measured on the 2-core development machine, generation ran
/// ~4% slower on a quiet machine and 2–3× slower with other work running (docs/benchmarks.md).
///
/// So the callback is C's own `strlen`, and its argument a 2-byte native flag owned by a `Cancellation`:
/// `{0, 0}` is the empty string (length 0: go on); cancelling writes a non-zero first byte (length 1: abort).
/// `strlen` returns 0 or 1 in the return register, which every supported ABI (x86-64 System V and Windows, AArch64)
/// reads as the `bool` false or true; the flag is always NUL-terminated by its second byte.
public final class AbortPredicate {

    private AbortPredicate() {}

    private static final Optional<MemorySegment> STRLEN = Linker.nativeLinker().defaultLookup().find("strlen");

    /// The address of `strlen`, or empty where the C library does not offer it (callers then use a Java upcall).
    public static Optional<MemorySegment> function() {
        return STRLEN;
    }

    /// Bytes a flag needs: the flag byte and the NUL after it.
    public static final long FLAG_BYTES = 2;
}
