package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.settings.SpeculativeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    private final Model draft;
    /// Generations queued or running, so [#close] can stop them instead of waiting for them.
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private LoadedModel(InferenceWorker worker, Model model, Context context, Model draft) {
        this.worker = worker;
        this.model = model;
        this.context = context;
        this.draft = draft;
    }

    /// Loads `file` and creates its context on a new worker thread. The future fails with
    /// [ModelLoadException] (or [LoadCancelledException] when `options.progress()` said stop).
    public static CompletableFuture<LoadedModel> open(LlamaRuntime runtime, Path file, LoadOptions options) {
        return open(runtime, file, options, SpeculativeSettings.OFF);
    }

    /// Like [#open(LlamaRuntime, Path, LoadOptions)], with speculative decoding: the draft model of `speculative`
    /// (if any) is loaded after the model with the same settings, checked to share its vocabulary ([VocabularyMatch];
    /// the future fails with [ModelLoadException] naming the difference otherwise), and every generation on this
    /// model's context is speculative ([Context#useSpeculation]).
    public static CompletableFuture<LoadedModel> open(LlamaRuntime runtime, Path file, LoadOptions options,
                                                      SpeculativeSettings speculative) {
        InferenceWorker worker = new InferenceWorker(String.valueOf(file.getFileName()));
        CompletableFuture<LoadedModel> f = worker.submit(() -> {
            Model model = runtime.loadModel(file, options);
            Model draft = null;
            try {
                Context context = model.newContext(options);
                if (speculative.enabled()) {
                    Context draftContext = null;
                    if (speculative.draft() != null) {
                        draft = runtime.loadModel(speculative.draft(), LoadOptions.of(options.settings()));
                        Optional<String> problem = VocabularyMatch.problem(model, draft);
                        if (problem.isPresent()) throw new ModelLoadException(speculative.draft(), problem.get(), List.of());
                        draftContext = draft.newContext(LoadOptions.of(options.settings()));
                    }
                    context.useSpeculation(Speculation.of(context, draftContext, speculative));
                }
                return new LoadedModel(worker, model, context, draft);
            } catch (RuntimeException | Error e) {
                model.close();
                if (draft != null) draft.close();
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

    /// The draft model loaded for speculative decoding, if any.
    public Optional<Model> draftModel() {
        return Optional.ofNullable(draft);
    }

    /// Whether generations are speculative (a draft model or prompt lookup).
    public boolean speculative() {
        return context.speculation().isPresent();
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
            if (draft != null) draft.close();
            return null;
        });
        worker.close();
        if (!worker.isWorkerThread()) freed.join();
    }
}
