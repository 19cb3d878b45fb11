package dev.karuku.engine.hardware;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/// Windows' own answer to "how many cores, and which are the fast ones": `GetLogicalProcessorInformationEx(
/// RelationProcessorCore)` from kernel32, one record per physical core, each with its `EfficiencyClass` (higher is
/// faster; all equal on CPUs that are not hybrid). Read through FFM: no PowerShell start-up (seconds) on the way to
/// the first screen.
final class WindowsCores {

    private static final int RELATION_PROCESSOR_CORE = 0;
    // SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX: DWORD Relationship; DWORD Size; PROCESSOR_RELATIONSHIP Processor
    // { BYTE Flags; BYTE EfficiencyClass; ... }.
    private static final long RELATIONSHIP = 0, SIZE = 4, EFFICIENCY_CLASS = 9;

    private WindowsCores() {}

    /// The performance cores (all cores on a CPU that is not hybrid), or empty when Windows would not say.
    static OptionalInt performanceCores() {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup kernel32 = SymbolLookup.libraryLookup("kernel32.dll", a);
            MethodHandle info = Linker.nativeLinker().downcallHandle(
                    kernel32.find("GetLogicalProcessorInformationEx").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
            MemorySegment length = a.allocate(JAVA_INT);
            int ok = (int) info.invokeExact(RELATION_PROCESSOR_CORE, MemorySegment.NULL, length); // asks for the size
            int size = length.get(JAVA_INT, 0);
            if (ok != 0 || size <= 0) return OptionalInt.empty();
            MemorySegment buf = a.allocate(size, 8);
            if ((int) info.invokeExact(RELATION_PROCESSOR_CORE, buf, length) == 0) return OptionalInt.empty();
            return performanceCores(buf, length.get(JAVA_INT, 0));
        } catch (Throwable t) {
            return OptionalInt.empty();
        }
    }

    /// Counts the processor-core records of the highest efficiency class in `length` bytes of `buf`.
    static OptionalInt performanceCores(MemorySegment buf, long length) {
        int best = -1, count = 0;
        for (long at = 0; at + EFFICIENCY_CLASS < length; ) {
            int relation = buf.get(JAVA_INT, at + RELATIONSHIP);
            int size = buf.get(JAVA_INT, at + SIZE);
            if (size <= 0) break;
            if (relation == RELATION_PROCESSOR_CORE) {
                int cls = Byte.toUnsignedInt(buf.get(JAVA_BYTE, at + EFFICIENCY_CLASS));
                if (cls > best) {
                    best = cls;
                    count = 1;
                } else if (cls == best) {
                    count++;
                }
            }
            at += size;
        }
        return count > 0 ? OptionalInt.of(count) : OptionalInt.empty();
    }
}
