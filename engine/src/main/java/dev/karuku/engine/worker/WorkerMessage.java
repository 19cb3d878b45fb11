package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.ServeException;

import java.nio.file.Path;
import java.util.List;

/// What the supervisor and a worker process say to each other ([WorkerProtocol] writes them on the child's stdin
/// and stdout). The supervisor sends [Load], [Submit], [Cancel] and [Shutdown]; the worker answers [Loaded] or
/// [LoadFailed] once, then [Text]s and one [Complete] or [Error] per submitted completion.
public sealed interface WorkerMessage {

    /// Load `file` and host it with `parallel` sequences and at most `queueLimit` completions waiting.
    record Load(Path file, LoadOptions options, int parallel, int queueLimit) implements WorkerMessage {}

    /// The model is loaded and takes completions.
    record Loaded() implements WorkerMessage {}

    /// The model could not be loaded; `reason` is llama.cpp's (or the load check's) words.
    record LoadFailed(String reason) implements WorkerMessage {}

    record Submit(long id, CompletionRequest request) implements WorkerMessage {}

    record Text(long id, String piece) implements WorkerMessage {}

    record Complete(long id, StopReason reason, GenerationStats stats) implements WorkerMessage {}

    record Error(long id, ServeException.Kind kind, String message) implements WorkerMessage {}

    record Cancel(long id) implements WorkerMessage {}

    /// Close the model and exit (closing the worker's stdin means the same).
    record Shutdown() implements WorkerMessage {}

    /// What a worker started with `--devices` reports before it exits: the GPUs llama.cpp sees and its CPU backend.
    record Devices(List<GpuDevice> gpus, CpuBackend cpu) implements WorkerMessage {}
}
