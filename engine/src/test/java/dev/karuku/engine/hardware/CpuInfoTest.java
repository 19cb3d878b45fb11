package dev.karuku.engine.hardware;

import dev.karuku.engine.llama.LoadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class CpuInfoTest {

    /// Two sockets × two cores × two hyper-threads: 8 processors, 4 physical cores.
    private static final String SMT_CPUINFO = """
            processor\t: 0
            physical id\t: 0
            core id\t\t: 0

            processor\t: 1
            physical id\t: 0
            core id\t\t: 1

            processor\t: 2
            physical id\t: 0
            core id\t\t: 0

            processor\t: 3
            physical id\t: 0
            core id\t\t: 1

            processor\t: 4
            physical id\t: 1
            core id\t\t: 0

            processor\t: 5
            physical id\t: 1
            core id\t\t: 1

            processor\t: 6
            physical id\t: 1
            core id\t\t: 0

            processor\t: 7
            physical id\t: 1
            core id\t\t: 1
            """;

    @Test
    void hyperThreadsOfOneCoreCountOnce() {
        assertThat(CpuInfo.parseProcCpuinfo(SMT_CPUINFO)).hasValue(4);
    }

    /// The kernel ends /proc/cpuinfo with a blank line; on a machine without SMT the last processor is its own core
    /// and must be counted (it was dropped once, which ran a 2-core VM on one thread at half speed).
    @Test
    void lastProcessorOfAMachineWithoutSmtCounts() {
        String twoCores = "processor\t: 0\nphysical id\t: 0\ncore id\t\t: 0\n\n"
                + "processor\t: 1\nphysical id\t: 0\ncore id\t\t: 1\n\n";
        assertThat(CpuInfo.parseProcCpuinfo(twoCores)).hasValue(2);
    }

    /// An Intel hybrid laptop CPU as Linux shows it: 2 performance cores with hyper-threads (cpus 0-3) and 8
    /// efficient cores (cpus 4-11). Only the 2 performance cores count.
    @Test
    void onAnIntelHybridCpuOnlyThePerformanceCoresCount(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("cpu_core"));
        Files.writeString(sys.resolve("cpu_core/cpus"), "0-3\n");
        Files.createDirectories(sys.resolve("cpu_atom"));
        Files.writeString(sys.resolve("cpu_atom/cpus"), "4-11\n");
        int[] coreIds = {0, 0, 4, 4, 8, 9, 10, 11, 12, 13, 14, 15};
        for (int cpu = 0; cpu < coreIds.length; cpu++) {
            Path topo = Files.createDirectories(sys.resolve("system/cpu/cpu" + cpu + "/topology"));
            Files.writeString(topo.resolve("core_id"), coreIds[cpu] + "\n");
            Files.writeString(topo.resolve("physical_package_id"), "0\n");
        }
        assertThat(CpuInfo.hybridPerformanceCores(sys)).hasValue(2);
        assertThat(CpuInfo.fromSysfs(sys.resolve("system/cpu"))).hasValue(10); // all cores, for comparison

        Files.delete(sys.resolve("cpu_atom/cpus")); // not hybrid: no answer here, the usual count applies
        assertThat(CpuInfo.hybridPerformanceCores(sys)).isEmpty();
    }

    @Test
    void kernelCpuListsAreRead() {
        assertThat(CpuInfo.cpuList("0-3,8,10-11\n")).containsExactlyInAnyOrder(0, 1, 2, 3, 8, 10, 11);
        assertThat(CpuInfo.cpuList("5")).containsExactly(5);
    }

    /// Records as `GetLogicalProcessorInformationEx(RelationProcessorCore)` lays them out (each 48 bytes for one
    /// group): a hybrid CPU with 6 performance cores (class 1) and 8 efficient ones (class 0), then one that is not.
    @Test
    void windowsProcessorCoreRecordsGiveThePerformanceCores() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hybrid = records(a, new int[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0});
            assertThat(WindowsCores.performanceCores(hybrid, hybrid.byteSize())).hasValue(6);
            MemorySegment plain = records(a, new int[] {0, 0, 0, 0, 0, 0, 0, 0});
            assertThat(WindowsCores.performanceCores(plain, plain.byteSize())).hasValue(8);
            assertThat(WindowsCores.performanceCores(plain, 0)).isEmpty();
        }
    }

    private static MemorySegment records(Arena a, int[] efficiencyClasses) {
        int size = 48;
        MemorySegment buf = a.allocate((long) size * efficiencyClasses.length, 8);
        for (int i = 0; i < efficiencyClasses.length; i++) {
            long at = (long) i * size;
            buf.set(ValueLayout.JAVA_INT, at, 0);       // RelationProcessorCore
            buf.set(ValueLayout.JAVA_INT, at + 4, size);
            buf.set(ValueLayout.JAVA_BYTE, at + 8, (byte) (i % 2)); // Flags: LTP_PC_SMT on some cores
            buf.set(ValueLayout.JAVA_BYTE, at + 9, (byte) efficiencyClasses[i]);
            buf.set(ValueLayout.JAVA_SHORT, at + 30, (short) 1); // GroupCount
        }
        return buf;
    }

    @Test
    void cpuinfoWithoutCoreIdsGivesNoAnswer() {
        assertThat(CpuInfo.parseProcCpuinfo("processor\t: 0\nmodel name\t: ARM\n\nprocessor\t: 1\n")).isEmpty();
    }

    @Test
    void guessHalvesEvenThreadCountsFromFourUpAndIsNeverBelowOne() {
        assertThat(CpuInfo.guess(16)).isEqualTo(8);
        assertThat(CpuInfo.guess(2)).isEqualTo(2);
        assertThat(CpuInfo.guess(3)).isEqualTo(3);
        assertThat(CpuInfo.clamp(0, 4)).isEqualTo(1);
        assertThat(CpuInfo.clamp(8, 4)).isEqualTo(4);
    }

    @Test
    void windowsAndMacOutputsAreParsed() {
        assertThat(CpuInfo.firstPositiveInt("\r\n\r\nNumberOfCores=6\r\n")).isEqualTo(OptionalInt.of(6));
        assertThat(CpuInfo.firstPositiveInt("8\n")).isEqualTo(OptionalInt.of(8));
        assertThat(CpuInfo.firstPositiveInt("error")).isEmpty();
    }

    @Test
    void physicalCoresIsWithinTheMachinesProcessorsAndIsTheThreadDefault() {
        int cores = CpuInfo.physicalCores();
        assertThat(cores).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(LoadOptions.defaults().threads()).isEqualTo(cores);
        assertThat(LoadOptions.defaults().batchThreads()).isEqualTo(cores);
    }

    @Test
    void onLinuxTheCountMatchesUniqueCoreIdsOfThisMachine() {
        OptionalInt fromCpuinfo = CpuInfo.fromProcCpuinfo(java.nio.file.Path.of("/proc/cpuinfo"));
        org.junit.jupiter.api.Assumptions.assumeTrue(fromCpuinfo.isPresent(), "no core ids in /proc/cpuinfo here");
        assertThat(CpuInfo.physicalCores()).isEqualTo(Math.min(fromCpuinfo.getAsInt(), Runtime.getRuntime().availableProcessors()));
    }
}
