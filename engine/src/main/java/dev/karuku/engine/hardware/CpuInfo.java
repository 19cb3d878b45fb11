package dev.karuku.engine.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/// The number of *physical* CPU cores, the right thread count for llama.cpp.
///
/// `availableProcessors()` counts hardware threads (2 per core with SMT/Hyper-Threading); ggml's workers spin
/// while they wait, so two of them on one core fight each other: on a 2-core machine the default of 4 threads made
/// decoding ~500× slower. On hybrid CPUs (Intel's P- and E-cores, Apple's performance and efficiency cores) only the
/// performance cores count, as in llama.cpp's own tools: ggml splits each operation evenly, so a thread on a slow core
/// holds up the rest. Linux: the performance cores' unique (package, core id) pairs when the kernel lists them
/// (`/sys/devices/cpu_core/cpus` beside `cpu_atom`), else unique (physical id, core id) pairs in `/proc/cpuinfo`,
/// else the sysfs topology; macOS: `sysctl hw.perflevel0.physicalcpu`, else `hw.physicalcpu`; Windows:
/// `GetLogicalProcessorInformationEx` (via FFM), else CIM via PowerShell, then `wmic`. When all fail, a guess: half
/// the hardware threads when there are 4 or more (SMT is the norm there), else all. Never below 1, never above the
/// threads this JVM may use (containers and affinity masks limit those).
public final class CpuInfo {

    private CpuInfo() {}

    private static volatile int cached;

    /// Physical cores usable by this process (cached after the first call).
    public static int physicalCores() {
        int c = cached;
        if (c == 0) cached = c = detect();
        return c;
    }

    static int detect() {
        int logical = Runtime.getRuntime().availableProcessors();
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        OptionalInt found;
        if (os.contains("linux")) {
            found = hybridPerformanceCores(Path.of("/sys/devices"));
            if (found.isEmpty()) found = fromProcCpuinfo(Path.of("/proc/cpuinfo"));
            if (found.isEmpty()) found = fromSysfs(Path.of("/sys/devices/system/cpu"));
        } else if (os.contains("mac")) {
            found = command(List.of("sysctl", "-n", "hw.perflevel0.physicalcpu")); // Apple silicon's performance cores
            if (found.isEmpty()) found = command(List.of("sysctl", "-n", "hw.physicalcpu"));
        } else if (os.contains("win")) {
            found = WindowsCores.performanceCores();
            if (found.isEmpty()) found = command(List.of("powershell", "-NoProfile", "-Command",
                    "(Get-CimInstance Win32_Processor | Measure-Object -Property NumberOfCores -Sum).Sum"));
            if (found.isEmpty()) found = command(List.of("wmic", "cpu", "get", "NumberOfCores", "/value"));
        } else found = OptionalInt.empty();
        return clamp(found.orElse(guess(logical)), logical);
    }

    static int clamp(int physical, int logical) {
        return Math.max(1, Math.min(physical, logical));
    }

    /// Without topology: SMT machines have even thread counts of 4 or more; smaller ones are usually real cores.
    static int guess(int logical) {
        return logical >= 4 && logical % 2 == 0 ? logical / 2 : logical;
    }

    /// Counts unique (physical id, core id) pairs; `cpu cores` × sockets when core ids are absent (some VMs).
    static OptionalInt fromProcCpuinfo(Path cpuinfo) {
        try {
            return parseProcCpuinfo(Files.readString(cpuinfo, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    static OptionalInt parseProcCpuinfo(String text) {
        Set<String> cores = new HashSet<>();
        String physical = "0", core = null;
        for (String line : (text + "\n\n").split("\n", -1)) { // -1: keep the trailing blank lines that close the last processor
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                if (core != null) cores.add(physical + "/" + core);
                physical = "0";
                core = null;
            } else if (colon > 0) {
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                if (key.equals("physical id")) physical = value;
                else if (key.equals("core id")) core = value;
            }
        }
        return cores.isEmpty() ? OptionalInt.empty() : OptionalInt.of(cores.size());
    }

    /// On an Intel hybrid CPU the kernel has a `cpu_core` PMU for the performance cores beside `cpu_atom` for the
    /// efficient ones; counts the performance cores' unique (package, core id) pairs (their SMT siblings once).
    static OptionalInt hybridPerformanceCores(Path sysDevices) {
        Path pCores = sysDevices.resolve("cpu_core").resolve("cpus");
        if (!Files.isRegularFile(pCores) || !Files.isRegularFile(sysDevices.resolve("cpu_atom").resolve("cpus")))
            return OptionalInt.empty();
        try {
            Set<Integer> wanted = cpuList(Files.readString(pCores));
            return coresOf(sysDevices.resolve("system").resolve("cpu"), wanted::contains);
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /// The kernel's CPU list format: `0-7,16,18-19`.
    static Set<Integer> cpuList(String text) {
        Set<Integer> cpus = new HashSet<>();
        for (String part : text.strip().split(",")) {
            if (part.isBlank()) continue;
            int dash = part.indexOf('-');
            int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
            for (int c = from; c <= to; c++) cpus.add(c);
        }
        return cpus;
    }

    /// `cpu*/topology/{physical_package_id,core_id}` pairs, for kernels whose cpuinfo lacks core ids (ARM).
    static OptionalInt fromSysfs(Path cpuRoot) {
        try {
            return coresOf(cpuRoot, cpu -> true);
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt coresOf(Path cpuRoot, java.util.function.IntPredicate include) throws IOException {
        Set<String> cores = new HashSet<>();
        try (Stream<Path> cpus = Files.list(cpuRoot)) {
            for (Path cpu : cpus.filter(p -> p.getFileName().toString().matches("cpu\\d+")).toList()) {
                if (!include.test(Integer.parseInt(cpu.getFileName().toString().substring(3)))) continue;
                Path topo = cpu.resolve("topology");
                if (!Files.isRegularFile(topo.resolve("core_id"))) continue;
                String pkg = Files.isRegularFile(topo.resolve("physical_package_id"))
                        ? Files.readString(topo.resolve("physical_package_id")).strip() : "0";
                cores.add(pkg + "/" + Files.readString(topo.resolve("core_id")).strip());
            }
        }
        return cores.isEmpty() ? OptionalInt.empty() : OptionalInt.of(cores.size());
    }

    /// Runs a short command and reads the first positive integer it prints (`NumberOfCores=8` works too).
    static OptionalInt command(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return OptionalInt.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? firstPositiveInt(out) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    static OptionalInt firstPositiveInt(String out) {
        var m = java.util.regex.Pattern.compile("(\\d+)").matcher(out);
        while (m.find()) {
            try {
                int v = Integer.parseInt(m.group(1));
                if (v > 0) return OptionalInt.of(v);
            } catch (NumberFormatException ignored) {
                // too large to be a core count
            }
        }
        return OptionalInt.empty();
    }
}
