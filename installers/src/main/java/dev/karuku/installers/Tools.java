package dev.karuku.installers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

/// Runs the JDK's own tools (jdeps, jlink, jpackage) in this process, through [ToolProvider].
///
/// In-process so a build does not pay three extra JVM start-ups, and so the tools are always those of the JDK
/// that runs the build (the JDK 25 that `./mvnw` found), never an older `jpackage` that happens to be on PATH.
final class Tools {

    private Tools() {}

    /// Runs a tool, echoes its output, and fails with that output when it does not succeed.
    static String run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new PackagingException(
                "This JDK has no " + tool + "; build the installers with a full JDK 25 (./mvnw finds one)."));
        var buffer = new ByteArrayOutputStream();
        int rc;
        try (var out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.out.println("[installers] " + tool + " " + String.join(" ", args));
            rc = provider.run(out, out, args.toArray(String[]::new));
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        if (!output.isBlank()) System.out.print(output.endsWith("\n") ? output : output + "\n");
        if (rc != 0) throw new PackagingException(tool + " failed (exit " + rc + "): " + output.strip());
        return output;
    }

    /// Runs one of the JDK's tools as its own process, for when it needs environment variables of its own (jpackage
    /// passes its environment on to dpkg-deb, which reads its compression settings from there).
    static void runWithEnvironment(String tool, List<String> args, Map<String, String> environment) {
        String exe = Path.of(System.getProperty("java.home"), "bin", tool).toString();
        List<String> command = new ArrayList<>(List.of(exe));
        command.addAll(args);
        System.out.println("[installers] " + environment + " " + tool + " " + String.join(" ", args));
        exec(command, environment);
    }

    /// Runs an external program (tar, codesign, …) with inherited output; fails on a non-zero exit.
    static void exec(List<String> command) {
        exec(command, Map.of());
    }

    private static void exec(List<String> command, Map<String, String> environment) {
        if (environment.isEmpty()) System.out.println("[installers] " + String.join(" ", command));
        try {
            var pb = new ProcessBuilder(command).inheritIO();
            pb.environment().putAll(environment);
            int rc = pb.start().waitFor();
            if (rc != 0) throw new PackagingException(command.getFirst() + " failed (exit " + rc + ")");
        } catch (IOException e) {
            throw new PackagingException("Cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackagingException("Interrupted while running " + command.getFirst());
        }
    }
}
