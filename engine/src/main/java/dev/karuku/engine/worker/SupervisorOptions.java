package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/// How a [Supervisor] loads and keeps models. Start from [#defaults()] and change what you need.
///
/// @param keepAlive     how long a model stays loaded after its last request when the request did not say (0 =
///                      unload right after it)
/// @param parallel      completions a model answers at once
/// @param queueLimit    completions that may wait per model beyond those; more get BUSY
/// @param loadOptions   the options for a model, or null for the best-fit plan on this machine
/// @param hardware      the machine the best-fit plan and the memory budget are for (asked once, before the first
///                      load); by default a short-lived worker lists the GPUs llama.cpp sees, so the supervisor's
///                      process loads no natives
/// @param budget        memory that loaded models may fill together, or null for [MemoryBudget#of] the first
///                      hardware snapshot
/// @param workerJvmArgs extra JVM options for each worker (a test's system property)
/// @param stopGrace     how long an unloading worker may take to exit before it is killed
/// @param speculative   the speculative decoding for a model loaded on request (a draft model, prompt lookup), or
///                      [SpeculativeSettings#OFF]; a speculative model answers one completion at a time and `parallel`
///                      only widens its queue (see [dev.karuku.engine.batch.Completers])
public record SupervisorOptions(Duration keepAlive, int parallel, int queueLimit,
                                Function<HostedModel, LoadOptions> loadOptions, Supplier<Hardware> hardware,
                                MemoryBudget budget, List<String> workerJvmArgs, Duration stopGrace,
                                Function<HostedModel, SpeculativeSettings> speculative) {

    public SupervisorOptions(Duration keepAlive, int parallel, int queueLimit,
                             Function<HostedModel, LoadOptions> loadOptions, Supplier<Hardware> hardware,
                             MemoryBudget budget, List<String> workerJvmArgs, Duration stopGrace) {
        this(keepAlive, parallel, queueLimit, loadOptions, hardware, budget, workerJvmArgs, stopGrace, null);
    }

    /// How long a model stays loaded after its last request when neither the request nor the server says.
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofMinutes(10);

    public SupervisorOptions {
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (keepAlive.isNegative()) throw new IllegalArgumentException("keep-alive must not be negative");
        if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1: " + parallel);
        if (queueLimit < 0) throw new IllegalArgumentException("the queue limit must be 0 or more: " + queueLimit);
        loadOptions = loadOptions == null ? m -> null : loadOptions;
        Objects.requireNonNull(hardware, "hardware");
        workerJvmArgs = List.copyOf(workerJvmArgs);
        Objects.requireNonNull(stopGrace, "stopGrace");
        speculative = speculative == null ? m -> SpeculativeSettings.OFF : speculative;
    }

    /// Ten minutes' keep-alive, one completion at a time with eight waiting, best-fit load options for this
    /// machine as a worker process sees it, the budget from its free memory.
    public static SupervisorOptions defaults() {
        return new SupervisorOptions(DEFAULT_KEEP_ALIVE, 1, 8, m -> null, () -> WorkerHardware.snapshot(List.of()),
                null, List.of(), Duration.ofSeconds(10));
    }

    public SupervisorOptions withKeepAlive(Duration d) {
        return new SupervisorOptions(d, parallel, queueLimit, loadOptions, hardware, budget, workerJvmArgs, stopGrace, speculative);
    }

    public SupervisorOptions withParallel(int n, int queue) {
        return new SupervisorOptions(keepAlive, n, queue, loadOptions, hardware, budget, workerJvmArgs, stopGrace, speculative);
    }

    public SupervisorOptions withLoadOptions(Function<HostedModel, LoadOptions> f) {
        return new SupervisorOptions(keepAlive, parallel, queueLimit, f, hardware, budget, workerJvmArgs, stopGrace, speculative);
    }

    public SupervisorOptions withHardware(Supplier<Hardware> hw) {
        return new SupervisorOptions(keepAlive, parallel, queueLimit, loadOptions, hw, budget, workerJvmArgs, stopGrace, speculative);
    }

    public SupervisorOptions withBudget(MemoryBudget b) {
        return new SupervisorOptions(keepAlive, parallel, queueLimit, loadOptions, hardware, b, workerJvmArgs, stopGrace, speculative);
    }

    /// Speculative decoding for models loaded on request; an explicit [Supervisor#load] says its own.
    public SupervisorOptions withSpeculative(Function<HostedModel, SpeculativeSettings> f) {
        return new SupervisorOptions(keepAlive, parallel, queueLimit, loadOptions, hardware, budget, workerJvmArgs, stopGrace, f);
    }

    public SupervisorOptions withWorkerJvmArgs(List<String> args) {
        return new SupervisorOptions(keepAlive, parallel, queueLimit, loadOptions, hardware, budget, args, stopGrace, speculative);
    }
}
