package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.settings.SpeculativeSettings;
import dev.karuku.engine.worker.LoadProgress;
import dev.karuku.engine.worker.LoadReport;
import dev.karuku.engine.worker.Supervisor;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/// [ModelLoader] over the engine's [Supervisor]: the model is loaded in a worker process, so a `GGML_ASSERT` or a
/// driver fault while loading or answering ends that process, not the window. The file is registered with the
/// supervisor (the host a local API serves too) if it is not yet; what the status bar shows is what the worker
/// measured (llama.cpp's buffers), and unloading ends the worker, giving every byte back.
public final class WorkerModelLoader implements ModelLoader {
    private final Supervisor host;
    private final MeasuredSpeeds speeds;
    private final Function<ServeException, String> describe;

    /// @param speeds   where each reply's generation speed is recorded for the estimate (null: nowhere)
    /// @param describe a chat failure in the user's language
    public WorkerModelLoader(Supervisor host, MeasuredSpeeds speeds, Function<ServeException, String> describe) {
        this.host = host;
        this.speeds = speeds;
        this.describe = describe;
    }

    @Override
    public Loading load(Path file, LoadSettings settings, SpeculativeSettings speculative, Progress progress) {
        String id = host.register(modelName(file), file);
        Supervisor.Loading loading = host.load(id, LoadOptions.of(settings), speculative, new LoadProgress() {
            @Override public void startingWorker() { progress.startingWorker(); }
            @Override public void loading(float fraction) { progress.loading(fraction); }
        });
        CompletableFuture<Loaded> result = loading.result().handle((report, failure) -> {
            if (failure != null) throw new CompletionException(problem(failure));
            return loaded(id, file, settings, speculative, report);
        });
        return new Loading() {
            @Override public CompletableFuture<Loaded> result() { return result; }
            @Override public void cancel() { loading.cancel(); }
        };
    }

    private Loaded loaded(String id, Path file, LoadSettings settings, SpeculativeSettings speculative, LoadReport r) {
        LoadedModel model = new LoadedModel(file.getFileName().toString(), r.backend(), r.gpuLayers(), r.totalLayers(),
                r.ramBytes(), r.vramBytes(), r.contextLength(), r.buffers(), file, speculative);
        // The measured speed is this model's speed without speculation: the baseline a speculative reply's speed-up is
        // told against, so speculative replies are not recorded in it.
        WorkerChatBackend chat = new WorkerChatBackend(host, id, r.contextLength(), describe, speeds == null || speculative.enabled()
                ? null : st -> speeds.recordReply(file, settings.gpuLayers(), st.generatedTokens(), st.generationNanos()))
                .withTemplate(new ChatBackend.TemplateInfo(r.templateFallback(), r.thinkingSwitch()))
                .withBaseline(speeds == null ? () -> 0 : () -> speeds.replyTokensPerSecond(file, settings.gpuLayers()).orElse(0));
        return new Loaded(model, chat, () -> host.unload(id));
    }

    /// A load failure as the Load screen shows it: cancelled, the worker's death with llama.cpp's last words, or
    /// llama.cpp's reason.
    private static Throwable problem(Throwable failure) {
        Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (c instanceof CancellationException) return c;
        if (c instanceof ServeException e && e.kind() == ServeException.Kind.WORKER_DIED) return new EngineStopped(e);
        return c;
    }

    /// The name a file is served under when the library does not know it: its file name without `.gguf`.
    static String modelName(Path file) {
        String n = file.getFileName().toString();
        return n.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
    }
}
