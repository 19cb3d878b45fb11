package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.hardware.CpuInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The machine a benchmark ran on, and how busy it was: numbers from a loaded 2-core machine are not comparable,
/// so the report carries the load average measured before the runs.
///
/// @param cpu           CPU model name (`/proc/cpuinfo`), or `os.arch` elsewhere
/// @param physicalCores cores used as the thread count
/// @param memoryBytes   installed RAM (`MemTotal`), -1 when unknown
/// @param os            OS name and version
/// @param loadAverage   1-minute load average when the benchmark started (-1 when unknown)
public record Machine(String cpu, int physicalCores, long memoryBytes, String os, double loadAverage) {

    public static Machine current() {
        return new Machine(cpuName(), CpuInfo.physicalCores(), memTotal(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), currentLoadAverage());
    }

    /// The 1-minute load average, -1 when the OS does not say.
    public static double currentLoadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpuName() {
        Matcher m = Pattern.compile("model name\\s*:\\s*(.+)").matcher(read("/proc/cpuinfo"));
        return m.find() ? m.group(1).strip() : System.getProperty("os.arch");
    }

    private static long memTotal() {
        Matcher m = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(read("/proc/meminfo"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    public ObjectNode toJson(ObjectMapper json) {
        return json.createObjectNode().put("cpu", cpu).put("physicalCores", physicalCores).put("memoryBytes", memoryBytes)
                .put("os", os).put("loadAverage", loadAverage);
    }

    public static Machine fromJson(JsonNode o) {
        return new Machine(o.path("cpu").asText(), o.path("physicalCores").asInt(), o.path("memoryBytes").asLong(-1),
                o.path("os").asText(), o.path("loadAverage").asDouble(-1));
    }
}
