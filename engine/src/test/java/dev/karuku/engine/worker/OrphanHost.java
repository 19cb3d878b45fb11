package dev.karuku.engine.worker;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.llama.TestFixtures;
import dev.karuku.engine.serve.CompletionRequest;

import java.nio.file.Path;
import java.util.List;

/// A process that hosts a supervisor with one loaded model, prints its worker's pid and waits to be killed: what
/// [WorkerLifetimeTest] kills with -9 to see that the worker does not outlive it.
public final class OrphanHost {

    public static void main(String[] args) throws Exception {
        Supervisor s = new Supervisor(List.of(Supervisor.model("m", Path.of(args[0]), List.of())),
                SupervisorOptions.defaults().withLoadOptions(m -> TestFixtures.tinyOptions()));
        Collector c = new Collector();
        s.submit(CompletionRequest.text("m", "abc", new GenerateOptions(3, SamplingParams.greedy(), List.of())), c);
        c.result();
        System.out.println("worker " + s.workerPid("m"));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
