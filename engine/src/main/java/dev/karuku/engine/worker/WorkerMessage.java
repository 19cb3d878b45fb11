package dev.karuku.engine.worker;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.hardware.CpuBackend;
import dev.karuku.engine.hardware.GpuDevice;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.nio.file.Path;
import java.util.List;

/// What the supervisor and a worker process say to each other ([WorkerProtocol] writes them on the child's stdin
/// and stdout). The supervisor sends [Load], [Submit], [Cancel] and [Shutdown]; the worker answers [Loaded] or
/// [LoadFailed] once, then [Text]s and one [Complete] or [Error] per submitted completion.
public sealed interface WorkerMessage {

    /// Load `file` and host it with `parallel` sequences and at most `queueLimit` completions waiting; with
    /// `speculative` enabled, one sequence at a time, decoded speculatively (see [dev.karuku.engine.batch.Completers]).
    record Load(Path file, LoadOptions options, int parallel, int queueLimit, SpeculativeSettings speculative)
            implements WorkerMessage {
        public Load {
            if (speculative == null) speculative = SpeculativeSettings.OFF;
        }

        public Load(Path file, LoadOptions options, int parallel, int queueLimit) {
            this(file, options, parallel, queueLimit, SpeculativeSettings.OFF);
        }
    }

    /// The model is loaded and takes completions; `report` says what the load measured.
    record Loaded(LoadReport report) implements WorkerMessage {
        public Loaded() {
            this(LoadReport.UNKNOWN);
        }
    }

    /// How far llama.cpp has read the model (0 to 1), while loading.
    record Progress(float fraction) implements WorkerMessage {}

    /// Completion `id` starts reading its prompt, `tokens` of it new (the rest reused from the KV cache).
    record Prompt(long id, int tokens) implements WorkerMessage {}

    /// How many tokens `messages` take as a chat prompt of the loaded model; answered by [Counted].
    record Count(long id, List<ChatMessage> messages) implements WorkerMessage {}

    /// The answer to [Count] `id`: `tokens`, or -1 with `error` when the worker could not count.
    record Counted(long id, int tokens, String error) implements WorkerMessage {}

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
