package dev.karuku.installers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/// Runs a program to completion for the installer tests: exit code, stdout and stderr, with a time limit.
record Proc(int exit, String out, String err) {

    static Proc run(List<String> command, Map<String, String> env, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("proc", ".out");
        Path err = Files.createTempFile("proc", ".err");
        try {
            var pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /// `command`, inside a new network namespace with no interfaces up when the system allows (`unshare -n`):
    /// proof that it needs no network.
    static List<String> offline(List<String> command) {
        List<String> c = new ArrayList<>();
        if (NETWORK_CAN_BE_CUT) c.addAll(List.of("unshare", "-n"));
        c.addAll(command);
        return c;
    }

    static final boolean NETWORK_CAN_BE_CUT = canCutNetwork();

    private static boolean canCutNetwork() {
        try {
            return new ProcessBuilder("unshare", "-n", "true").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
}
