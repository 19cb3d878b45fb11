package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
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
    /// Generations queued or running, so [#close] can stop them instead of waiting for them.
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

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
        return generateWith((ctx, cancel) -> ctx.generate(model.tokenize(prompt, true, true), options, listener, cancel));
    }

    /// Runs a generating `job` with the context on the worker thread, with a [Cancellation] that the returned
    /// [Generation] and [#close] both trigger (for chat sessions and other multi-step generation).
    public Generation generateWith(BiFunction<Context, Cancellation, GenerationResult> job) {
        Cancellation cancel = new Cancellation();
        running.add(cancel);
        if (closing) cancel.cancel();
        CompletableFuture<GenerationResult> f = worker.submit(() -> job.apply(context, cancel));
        f.whenComplete((r, e) -> running.remove(cancel));
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

    /// Stops every generation (the running one ends after its current token or prompt chunk, queued ones end at
    /// once), frees context and model on the worker, then stops the worker. Blocks until the memory is freed, so a
    /// caller that loads another model next never holds both.
    @Override
    public void close() {
        closing = true;
        running.forEach(Cancellation::cancel);
        CompletableFuture<Void> freed = worker.submit(() -> {
            model.close();
            return null;
        });
        worker.close();
        if (!worker.isWorkerThread()) freed.join();
    }
}
