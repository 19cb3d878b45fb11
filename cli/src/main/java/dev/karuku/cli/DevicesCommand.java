package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.karuku.engine.llama.Device;
import dev.karuku.engine.llama.LlamaRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/// `karuku devices [--json]`: the devices llama.cpp can use, with free/total memory.
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the CPU and GPUs llama.cpp can use, with their free and total memory.")
final class DevicesCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelOptions.quietNativeLog();
        LlamaRuntime llama = LlamaRuntime.load();
        List<Device> devices = llama.devices();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("variant", llama.variant());
            doc.put("backend", llama.backend());
            doc.put("gpuOffload", llama.supportsGpuOffload());
            doc.put("devices", devices);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            out.printf(Locale.ROOT, "natives: %s%n", llama.variant());
            for (Device d : devices) {
                out.printf(Locale.ROOT, "%-10s %-7s %-5s %9s free of %9s  %s%n", d.name(), d.backend(), d.type(),
                        gib(d.freeBytes()), gib(d.totalBytes()), d.description());
            }
        }
        out.flush();
        return 0;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
