package dev.karuku.engine.worker;

import dev.karuku.engine.llama.TestFixtures;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// A worker never outlives the process that started it, even one killed with -9 (no shutdown hook runs then):
/// the worker sees its stdin close and exits.
class WorkerLifetimeTest {

    @Test
    void aWorkerExitsWhenItsSupervisorIsKilled() throws Exception {
        Process host = new ProcessBuilder(List.of(WorkerCommand.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OrphanHost.class.getName(),
                TestFixtures.successor().toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long worker = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("worker ");
            worker = Long.parseLong(line.substring("worker ".length()));
            ProcessHandle w = ProcessHandle.of(worker).orElseThrow();
            assertThat(w.isAlive()).isTrue();
            assertThat(w.parent().map(ProcessHandle::pid)).contains(host.pid());

            host.destroyForcibly(); // kill -9: the supervisor's shutdown hook never runs
            host.waitFor();

            w.onExit().get(30, TimeUnit.SECONDS);
            assertThat(w.isAlive()).isFalse();
        } finally {
            host.destroyForcibly();
            if (worker > 0) ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly); // a failed test leaves no orphan
        }
    }
}
