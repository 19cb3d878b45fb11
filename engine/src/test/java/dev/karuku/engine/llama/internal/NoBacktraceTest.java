package dev.karuku.engine.llama.internal;

import dev.karuku.engine.llama.LlamaRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.assertj.core.api.Assertions.assertThat;

/// An abort that still slips through must not start gdb in the user's terminal: ggml reads `GGML_NO_BACKTRACE`
/// from the C environment, which loading the natives sets.
class NoBacktraceTest {

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void loadingTheNativesTurnsGgmlsAbortBacktraceOff() throws Throwable {
        LlamaRuntime.load();
        Linker linker = Linker.nativeLinker();
        MethodHandle getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = (MemorySegment) getenv.invokeExact(a.allocateFrom("GGML_NO_BACKTRACE"));
            assertThat(v).isNotEqualTo(MemorySegment.NULL);
            assertThat(v.reinterpret(16).getString(0)).isNotEmpty();
        }
    }
}
