package dev.karuku.cli.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/// This process's peak resident memory (the high-water mark of RAM it has used: heap, native buffers and the
/// mapped model pages it touched), the number users compare with what their PC has.
///
/// - Linux: `VmHWM` in `/proc/self/status` (what the peers' harnesses read too).
/// - macOS: `getrusage(RUSAGE_SELF).ru_maxrss`, in bytes there.
/// - Windows: `PeakWorkingSetSize` from `K32GetProcessMemoryInfo`.
///
/// The macOS and Windows paths call the OS through FFM; they follow the platforms' documented ABIs but have only
/// been run on Linux so far.
public final class PeakMemory {

    private static final Pattern VM_HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");

    private PeakMemory() {}

    /// Peak resident bytes, or empty when the OS gives no answer.
    public static OptionalLong peakResidentBytes() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        try {
            if (os.contains("linux")) return fromProcStatus(Files.readString(Path.of("/proc/self/status")));
            if (os.contains("mac")) return macMaxRss();
            if (os.contains("win")) return windowsPeakWorkingSet();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        } catch (Throwable t) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /// Parses `VmHWM: 123 kB` out of a `/proc/<pid>/status` text.
    static OptionalLong fromProcStatus(String status) {
        Matcher m = VM_HWM.matcher(status);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
    }

    private static OptionalLong macMaxRss() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle getrusage = linker.downcallHandle(linker.defaultLookup().find("getrusage").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment usage = a.allocate(256); // struct rusage is 144 bytes on 64-bit macOS
            if ((int) getrusage.invokeExact(0, usage) != 0) return OptionalLong.empty();
            return OptionalLong.of(usage.get(JAVA_LONG, 32)); // after ru_utime and ru_stime (2 × 16 bytes)
        }
    }

    private static OptionalLong windowsPeakWorkingSet() throws Throwable {
        Linker linker = Linker.nativeLinker();
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup kernel32 = SymbolLookup.libraryLookup("kernel32", a);
            MethodHandle current = linker.downcallHandle(kernel32.find("GetCurrentProcess").orElseThrow(),
                    FunctionDescriptor.of(ADDRESS));
            MethodHandle info = linker.downcallHandle(kernel32.find("K32GetProcessMemoryInfo").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            MemorySegment counters = a.allocate(72); // PROCESS_MEMORY_COUNTERS on 64-bit Windows
            counters.set(JAVA_INT, 0, 72);
            MemorySegment self = (MemorySegment) current.invokeExact();
            if ((int) info.invokeExact(self, counters, 72) == 0) return OptionalLong.empty();
            return OptionalLong.of(counters.get(JAVA_LONG, 8)); // after cb and PageFaultCount
        }
    }
}
