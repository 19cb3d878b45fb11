package dev.karuku.cli.server;

import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.ContextOverflowException;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.Generation;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.llama.LogLine;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.serve.ServeException.Kind;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;

/// A [ModelHost] that loads its models into this process with [LoadedModel], on first use, and answers one
/// completion at a time per model (its one context); up to `queueLimit` more wait their turn, beyond that a request
/// is refused as [Kind#BUSY]. A chat is rendered with the model's own [ChatTemplate]. A model idle for its
/// keep-alive is unloaded and loads again when next asked for.
///
/// The simple host: a crash in llama.cpp ends this process with it, and it does not batch. It takes no grammar.
public final class InProcessHost implements ModelHost {

    private static final System.Logger LOG = System.getLogger("dev.karuku.cli.server");
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final LlamaRuntime llama;
    private final List<Slot> slots;
    private final Function<Path, LoadOptions> loadOptions;
    private final int queueLimit;
    private final Duration keepAlive;
    private final ExecutorService notifier = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("karuku-keep-alive").daemon(true).unstarted(r));
    private volatile boolean closed;

    /// @param models      what requests may name; loaded on first use
    /// @param loadOptions how to load each file (context length, GPU layers, threads)
    /// @param queueLimit  requests that may wait for a model's one context (0: a second request is refused at once)
    /// @param keepAlive   how long an idle model stays loaded; null = until the host closes
    public InProcessHost(LlamaRuntime llama, List<HostedModel> models, Function<Path, LoadOptions> loadOptions,
                         int queueLimit, Duration keepAlive) {
        if (queueLimit < 0) throw new IllegalArgumentException("the queue bound must be 0 or more: " + queueLimit);
        this.llama = llama;
        this.slots = models.stream().map(Slot::new).toList();
        this.loadOptions = loadOptions;
        this.queueLimit = queueLimit;
        this.keepAlive = keepAlive;
    }

    @Override
    public List<HostedModel> models() {
        return slots.stream().map(Slot::describe).toList();
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        Slot slot = slots.stream().filter(s -> s.model.answersTo(request.model())).findFirst().orElse(null);
        if (slot == null) return fail(listener, new ServeException(Kind.UNKNOWN_MODEL,
                "no model named '" + request.model() + "' here: GET /v1/models lists the models of this server"));
        if (request.grammar() != null) return fail(listener, new ServeException(Kind.INVALID,
                "this server cannot constrain answers with a grammar (response_format)"));
        Job job = new Job(request, listener, slot);
        CompletableFuture<Loaded> loading;
        synchronized (slot) {
            if (closed) return fail(listener, new ServeException(Kind.INTERNAL, "the server is shutting down"));
            if (slot.inFlight > queueLimit) return fail(listener, new ServeException(Kind.BUSY,
                    "'" + slot.model.id() + "' is answering other requests and its queue is full: try again shortly",
                    RETRY_AFTER, List.of(), null));
            slot.inFlight++;
            if (slot.unload != null) slot.unload.cancel(false);
            if (slot.loading == null) slot.loading = load(slot);
            loading = slot.loading;
        }
        loading.whenComplete((loaded, e) -> {
            if (e == null) job.start(loaded);
            else job.end(null, loadFailure(slot, e));
        });
        return job;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (Slot s : slots) {
            CompletableFuture<Loaded> f;
            synchronized (s) {
                f = s.loading;
                s.loading = null;
            }
            if (f != null) f.thenAccept(l -> l.model().close()); // cancels what runs and frees the memory
        }
        notifier.shutdown();
    }

    private CompletableFuture<Loaded> load(Slot slot) {
        slot.problem = null;
        return LoadedModel.open(llama, slot.model.file(), loadOptions.apply(slot.model.file()))
                .thenApply(m -> new Loaded(m, ChatTemplate.of(m.model())));
    }

    private ServeException loadFailure(Slot slot, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        synchronized (slot) {
            slot.loading = null; // the next request tries again (the file may have been fixed)
            slot.problem = cause.getMessage();
        }
        List<String> log = cause instanceof LlamaException l ? tail(l.log()) : List.of();
        return new ServeException(Kind.LOAD_FAILED, "could not load '" + slot.model.id() + "': " + cause.getMessage(),
                null, log, cause);
    }

    /// After a completion: the model is unloaded once it has been idle for its keep-alive.
    private void finished(Slot slot, Duration requested) {
        Duration d = requested != null ? requested : keepAlive;
        synchronized (slot) {
            slot.inFlight--;
            if (slot.inFlight > 0 || d == null || closed || slot.loading == null) return;
            CompletableFuture<Loaded> f = slot.loading;
            slot.unload = timer.schedule(() -> unloadIfIdle(slot, f), d.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void unloadIfIdle(Slot slot, CompletableFuture<Loaded> f) {
        synchronized (slot) {
            if (slot.inFlight > 0 || slot.loading != f) return;
            slot.loading = null;
        }
        f.thenAccept(l -> l.model().close());
    }

    private Completion fail(CompletionListener listener, ServeException e) {
        notifier.execute(() -> listener.onError(e));
        return () -> {};
    }

    private static List<String> tail(List<LogLine> log) {
        return log.stream().skip(Math.max(0, log.size() - 10)).map(LogLine::text).map(String::strip).toList();
    }

    private record Loaded(LoadedModel model, ChatTemplate template) {}

    /// One model and what it is doing.
    private static final class Slot {
        final HostedModel model;
        CompletableFuture<Loaded> loading; // null: not loaded
        int inFlight; // running and queued
        String problem;
        ScheduledFuture<?> unload;

        Slot(HostedModel model) {
            this.model = model;
        }

        synchronized HostedModel describe() {
            HostedModel.State state;
            if (loading == null) state = problem != null ? HostedModel.State.FAILED : HostedModel.State.UNLOADED;
            else if (!loading.isDone()) state = HostedModel.State.LOADING;
            else state = loading.isCompletedExceptionally() ? HostedModel.State.FAILED : HostedModel.State.LOADED;
            return new HostedModel(model.id(), model.file(), model.aliases(), state, problem);
        }
    }

    /// One completion: waits for the model, runs on its worker thread, ends its listener exactly once.
    private final class Job implements Completion {
        private final CompletionRequest request;
        private final CompletionListener listener;
        private final Slot slot;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Generation generation;

        Job(CompletionRequest request, CompletionListener listener, Slot slot) {
            this.request = request;
            this.listener = listener;
            this.slot = slot;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            Generation g = generation;
            if (g != null) g.cancel();
        }

        void start(Loaded loaded) {
            Generation g = loaded.model().generateWith((ctx, cancel) -> run(ctx, cancel, loaded.template()));
            generation = g;
            if (cancelled.get()) g.cancel();
            g.result().whenComplete((r, e) -> {
                if (e == null) end(new CompletionResult(r.stopReason(), r.stats()), null);
                else end(null, generationFailure(e));
            });
        }

        private GenerationResult run(Context ctx, Cancellation cancel, ChatTemplate template) {
            GenerateOptions options = request.generate();
            int[] tokens;
            if (request.isChat()) {
                tokens = template.tokens(ctx.model(), request.messages(), true);
                options = options.withStopStrings(Stream.concat(options.stopStrings().stream(),
                        template.stopStrings().stream()).distinct().toList());
            } else {
                tokens = ctx.model().tokenize(request.prompt(), true, true);
            }
            if (tokens.length == 0) throw new IllegalArgumentException("the prompt is empty");
            if (tokens.length >= ctx.size()) throw new ContextOverflowException(tokens.length + 1, ctx.size());
            return ctx.generate(tokens, options, listener::onText, cancel);
        }

        /// Frees the slot first, then tells the listener: a client that sends its next request the moment this
        /// answer ends must find the model free.
        void end(CompletionResult result, ServeException error) {
            if (!ended.compareAndSet(false, true)) return;
            finished(slot, request.keepAlive());
            if (error == null) listener.onComplete(result);
            else listener.onError(error);
        }

        private ServeException generationFailure(Throwable e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return switch (cause) {
                case ContextOverflowException o -> new ServeException(Kind.INVALID, o.getMessage());
                case IllegalArgumentException i -> new ServeException(Kind.INVALID, i.getMessage());
                case dev.karuku.engine.template.TemplateException.Raised r -> new ServeException(Kind.INVALID, r.getMessage());
                case LlamaException l -> new ServeException(Kind.INTERNAL, l.getMessage(), null, tail(l.log()), l);
                default -> {
                    LOG.log(System.Logger.Level.ERROR, "a completion on " + slot.model.id() + " failed", cause);
                    yield new ServeException(Kind.INTERNAL, "the completion failed: " + cause.getMessage(), null, List.of(), cause);
                }
            };
        }
    }
}
