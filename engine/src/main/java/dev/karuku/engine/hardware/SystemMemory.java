package dev.karuku.engine.hardware;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Total and available RAM per OS: Linux `/proc/meminfo` (MemAvailable is what the kernel says can be used
/// without swapping, unlike "free"); macOS `sysctl hw.memsize` + `vm_stat` (free + inactive + speculative +
/// purgeable pages); elsewhere (Windows) the JDK's `OperatingSystemMXBean`.
final class SystemMemory {

    record Ram(long total, long available) {}

    private SystemMemory() {}

    static Ram read(String os) {
        try {
            if (os.startsWith("Linux")) return parseMeminfo(Files.readString(Path.of("/proc/meminfo")));
            if (os.startsWith("Mac")) {
                long total = Long.parseLong(run("sysctl", "-n", "hw.memsize").strip());
                return new Ram(total, parseVmStat(run("vm_stat"), total));
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JDK's view
        }
        return fromJdk();
    }

    /// `MemTotal` and `MemAvailable` (kB) of `/proc/meminfo`; `MemFree + Cached` on kernels without MemAvailable.
    static Ram parseMeminfo(String text) {
        long total = kb(text, "MemTotal"), avail = kb(text, "MemAvailable");
        if (avail < 0) avail = Math.max(0, kb(text, "MemFree")) + Math.max(0, kb(text, "Cached"));
        if (total < 0) throw new IllegalArgumentException("no MemTotal in /proc/meminfo");
        return new Ram(total, avail);
    }

    /// Available bytes from `vm_stat`: free, inactive, speculative and purgeable pages times the page size.
    static long parseVmStat(String text, long total) {
        Matcher ps = Pattern.compile("page size of (\\d+) bytes").matcher(text);
        long page = ps.find() ? Long.parseLong(ps.group(1)) : 4096;
        long pages = 0;
        for (String k : List.of("Pages free", "Pages inactive", "Pages speculative", "Pages purgeable")) {
            Matcher m = Pattern.compile(Pattern.quote(k) + ":\\s+(\\d+)").matcher(text);
            if (m.find()) pages += Long.parseLong(m.group(1));
        }
        return Math.min(total, pages * page);
    }

    private static long kb(String text, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+) kB").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private static Ram fromJdk() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return new Ram(os.getTotalMemorySize(), os.getFreeMemorySize());
        }
        long max = Runtime.getRuntime().maxMemory();
        return new Ram(max, max);
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed");
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            p.destroy();
        }
    }
}
