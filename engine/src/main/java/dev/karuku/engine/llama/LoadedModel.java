package dev.karuku.engine.llama;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/// A model ready to generate: the [Model], one [Context], and the [InferenceWorker] thread that owns both. This
/// is what the app, the CLI and the benchmarks hold; every method returns at once and work happens on the worker.
///
/// ```java
/// LoadedModel m = LoadedModel.open(LlamaRuntime.load(), file, LoadOptions.defaults()).join();
/// Generation g = m.generate("Once upon a time", GenerateOptions.defaults(), System.out::print);
/// GenerationResult r = g.result().join();    // or g.cancel() from any thread
/// m.close();
/// ```
public final class LoadedModel implements AutoCloseable {

    private final InferenceWorker worker;
    private final Model model;
    private final Context context;

    private LoadedModel(InferenceWorker worker, Model model, Context context) {
        this.worker = worker;
        this.model = model;
        this.context = context;
    }

    /// Loads `file` and creates its context on a new worker thread. The future fails with
    /// [ModelLoadException] (or [LoadCancelledException] when `options.progress()` said stop).
    public static CompletableFuture<LoadedModel> open(LlamaRuntime runtime, Path file, LoadOptions options) {
        InferenceWorker worker = new InferenceWorker(String.valueOf(file.getFileName()));
        CompletableFuture<LoadedModel> f = worker.submit(() -> {
            Model model = runtime.loadModel(file, options);
            try {
                return new LoadedModel(worker, model, model.newContext(options));
            } catch (RuntimeException | Error e) {
                model.close();
                throw e;
            }
        });
        f.whenComplete((m, e) -> {
            if (e != null) worker.close();
        });
        return f;
    }

    public Model model() {
        return model;
    }

    public ModelInfo info() {
        return model.info();
    }

    /// Generates after `prompt` (tokenized with the model's BOS rule; control-token text is parsed), streaming
    /// to `listener` on the worker thread. The cached prefix of the previous prompt is reused.
    public Generation generate(String prompt, GenerateOptions options, GenerationListener listener) {
        Cancellation cancel = new Cancellation();
        CompletableFuture<GenerationResult> f = worker.submit(() -> {
            int[] tokens = model.tokenize(prompt, true, true);
            return context.generate(tokens, options, listener, cancel);
        });
        return new Generation(cancel, f);
    }

    /// Runs `job` with the context on the worker thread (for chat sessions and other multi-step work).
    public <T> CompletableFuture<T> withContext(Function<Context, T> job) {
        return worker.submit(() -> job.apply(context));
    }

    /// Runs `job` on the worker thread.
    public <T> CompletableFuture<T> submit(Callable<T> job) {
        return worker.submit(job);
    }

    /// Frees context and model on the worker (after queued jobs), then stops the worker. Blocks until done;
    /// cancel running generations first.
    @Override
    public void close() {
        worker.submit(() -> {
            model.close();
            return null;
        });
        worker.close();
    }
}
