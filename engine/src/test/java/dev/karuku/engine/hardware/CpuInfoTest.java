package dev.karuku.engine.hardware;

import dev.karuku.engine.llama.LoadOptions;
import org.junit.jupiter.api.Test;

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
