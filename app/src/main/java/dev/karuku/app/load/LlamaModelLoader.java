package dev.karuku.app.load;

import dev.karuku.engine.estimate.MeasuredBuffers;
import dev.karuku.engine.estimate.MeasuredSpeeds;
import dev.karuku.engine.llama.LlamaLog;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.verify.BufferLogParser;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleConsumer;

/// [ModelLoader] over the engine's llama binding. llama.cpp's log during the load is read for the buffer sizes
/// it allocated, so the status bar shows the RAM and VRAM really in use, not an estimate.
public final class LlamaModelLoader implements ModelLoader {
    private final MeasuredSpeeds speeds;

    public LlamaModelLoader() {
        this(null);
    }

    /// @param speeds where each reply's generation speed is recorded for the estimate (null: nowhere)
    public LlamaModelLoader(MeasuredSpeeds speeds) {
        this.speeds = speeds;
    }

    @Override
    public Loading load(Path file, LoadSettings r, DoubleConsumer progress) {
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Loaded> result = new CompletableFuture<>();
        Thread.ofVirtual().name("karuku-load").start(() -> {
            StringBuilder log = new StringBuilder();
            try (var sub = LlamaLog.subscribe(line -> { synchronized (log) { log.append(line.text()).append('\n'); } })) {
                LlamaRuntime runtime = LlamaRuntime.load();
                LoadOptions o = new LoadOptions(r, f -> {
                    progress.accept(f);
                    return !cancelled.get();
                });
                LoadedModel model = LoadedModel.open(runtime, file, o).join();
                if (cancelled.get()) {
                    model.close();
                    throw new CancellationException();
                }
                MeasuredBuffers b;
                synchronized (log) {
                    b = BufferLogParser.parse(log.toString(), runtime.bufferTypes());
                }
                int layers = model.info().layers() + 1;
                int onGpu = runtime.supportsGpuOffload() ? Math.min(r.gpuLayers(), layers) : 0;
                String backend = onGpu > 0 ? backendName(runtime.backend()) : "CPU";
                long ram = b.ram() > 0 ? b.ram() : model.info().sizeBytes();
                var info = new dev.karuku.app.load.LoadedModel(file.getFileName().toString(), backend, onGpu, layers,
                        ram, b.vram(), r.contextLength(), b);
                result.complete(new Loaded(info, new LlamaChatBackend(model, r.contextLength(), speeds == null ? null
                        : st -> speeds.recordReply(file, r.gpuLayers(), st.generatedTokens(), st.generationNanos())), model));
            } catch (Throwable e) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cancelled.get() || cause instanceof dev.karuku.engine.llama.LoadCancelledException) {
                    result.completeExceptionally(new CancellationException());
                } else {
                    result.completeExceptionally(cause);
                }
            }
        });
        return new Loading() {
            @Override public CompletableFuture<Loaded> result() { return result; }
            @Override public void cancel() { cancelled.set(true); }
        };
    }

    static String backendName(String b) {
        return switch (b.toLowerCase(Locale.ROOT)) {
            case "cuda" -> "CUDA";
            case "vulkan" -> "Vulkan";
            case "metal" -> "Metal";
            default -> "CPU";
        };
    }
}
