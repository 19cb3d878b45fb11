package dev.karuku.installers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /// Runs an external program (tar, codesign, …) with inherited output; fails on a non-zero exit.
    static void exec(List<String> command) {
        System.out.println("[installers] " + String.join(" ", command));
        try {
            int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (rc != 0) throw new PackagingException(command.getFirst() + " failed (exit " + rc + ")");
        } catch (IOException e) {
            throw new PackagingException("Cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PackagingException("Interrupted while running " + command.getFirst());
        }
    }
}
