package dev.karuku.engine.batch;

import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.chat.ThinkingText;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.Generation;
import dev.karuku.engine.llama.GenerationListener;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.GrammarException;
import dev.karuku.engine.llama.LlamaException;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.LoadedModel;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.Sampler;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.serve.ServeException.Kind;
import dev.karuku.engine.settings.SpeculativeSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/// Completions of one model with speculative decoding (a draft model and/or prompt lookup proposes tokens, the model
/// checks several in one pass): one completion at a time on the model's own context, the others waiting in order.
///
/// Speculation and continuous batching are two ways to spend the same spare compute of a pass that reads every
/// weight once (several proposals of one sequence, or one token of several sequences); the engine's speculative
/// generator checks one sequence, so this completer decodes one.
///
/// - **Queue:** one completion runs, up to `queueLimit` wait; past that a request is refused with BUSY and a
///   `retryAfter` from how long recent completions took, as [BatchedCompleter] does.
/// - **Grammar:** a request with a grammar is decoded token by token without proposals (the speculative generator has
///   no grammar sampler); its output is held to the grammar as everywhere else. The draft model's cache catches up
///   with the next speculative completion.
/// - **Prefix reuse:** the context keeps the last completion's tokens (the draft model's context follows), so the next
///   turn of a chat reads only its new message.
/// - **Cancel:** a waiting completion ends at once (`CANCELLED`), a running one after its current pass; [#close]
///   cancels what runs, fails what waits and frees both models.
/// - Stop strings, streaming UTF-8, the token limit and the stats (with drafted, accepted and passes) are the
///   generator's.
public final class SpeculativeCompleter implements LoadedCompleter {

    private static final GenerationStats NOTHING = new GenerationStats(0, 0, 0, 0, 0, 0);

    private final LoadedModel loaded;
    private final SpeculativeSettings speculative;
    private final ChatTemplate template;
    private final int queueLimit;
    private final int sequenceSize;
    private final ExecutorService listeners = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Task> waiting = new ArrayList<>(); // guarded by this
    private int inFlight;                                 // guarded by this: waiting + running
    private boolean closed;                               // guarded by this
    private volatile double averageNanos = 5e9;

    private SpeculativeCompleter(LoadedModel loaded, SpeculativeSettings speculative, int queueLimit) {
        this.loaded = loaded;
        this.speculative = speculative;
        this.queueLimit = queueLimit;
        this.template = ChatTemplate.of(loaded.model());
        this.sequenceSize = loaded.withContext(Context::size).join();
    }

    /// Loads `file` with `options` and the draft model of `speculative` (checked to share its vocabulary), and serves
    /// it with at most `queueLimit` completions waiting. Blocks until both are loaded.
    ///
    /// @throws dev.karuku.engine.llama.ModelLoadException with llama.cpp's reason, or why the draft cannot draft
    public static SpeculativeCompleter load(LlamaRuntime runtime, Path file, LoadOptions options,
                                            SpeculativeSettings speculative, int queueLimit) {
        if (!speculative.enabled()) throw new IllegalArgumentException("no draft model and no prompt lookup");
        if (queueLimit < 0) throw new IllegalArgumentException("the queue limit must be 0 or more: " + queueLimit);
        LoadedModel m;
        try {
            m = LoadedModel.open(runtime, file, options, speculative).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
        try {
            return new SpeculativeCompleter(m, speculative, queueLimit);
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        Mailbox out = new Mailbox(listener, listeners);
        Prompt prompt;
        try {
            prompt = Prompt.of(template, model(), request, sequenceSize);
            checkGrammar(request);
        } catch (ServeException e) {
            out.fail(e);
            return () -> {};
        }
        Task task = new Task(prompt, request.generate().withStopStrings(prompt.stops()), request.grammar(), out);
        synchronized (this) {
            if (closed) {
                out.fail(new ServeException(Kind.INTERNAL, "the model is being unloaded"));
                return task;
            }
            if (inFlight >= 1 + queueLimit) {
                out.fail(new ServeException(Kind.BUSY, "the model is answering a request and " + queueLimit
                        + " requests are waiting: try again later", retryAfter(), List.of(), null));
                return task;
            }
            inFlight++;
            waiting.add(task);
        }
        // a template that opens the reply's thinking itself: the reply is given its opening tag (as BatchedCompleter)
        if (prompt.opensThinking()) out.text(ThinkingText.OPEN + "\n");
        task.start(loaded.generateWith(task::run));
        return task;
    }

    /// A grammar llama.cpp does not accept is INVALID at once, on the caller's thread, as in [BatchedCompleter].
    private void checkGrammar(CompletionRequest request) throws ServeException {
        if (request.grammar() == null) return;
        try {
            Sampler.create(model(), request.generate().sampling(), request.grammar()).close();
        } catch (GrammarException e) {
            throw new ServeException(Kind.INVALID, e.getMessage(), null, List.of(), e);
        } catch (LlamaException | IllegalStateException e) {
            throw new ServeException(Kind.INTERNAL, e.getMessage(), null, List.of(), e);
        }
    }

    /// How long until the model is likely free: the recent average completion time for each one ahead.
    private Duration retryAfter() {
        double seconds = averageNanos / 1e9 * Math.max(1, inFlight);
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }

    /// Takes `task` off the waiting list; false when it had left it already (it runs, or ended).
    private synchronized boolean leaveQueue(Task task) {
        return waiting.remove(task);
    }

    private synchronized void release() {
        inFlight--;
    }

    @Override
    public Model model() {
        return loaded.model();
    }

    @Override
    public int sequenceSize() {
        return sequenceSize;
    }

    @Override
    public ChatTemplate template() {
        return template;
    }

    @Override
    public int countTokens(List<ChatMessage> messages) {
        return template.tokens(model(), messages, true).length;
    }

    /// The speculative decoding this completer was loaded with.
    public SpeculativeSettings speculative() {
        return speculative;
    }

    /// Cancels what runs (it ends with CANCELLED), fails what waits, frees both models. Blocks until the memory is
    /// freed.
    @Override
    public void close() {
        List<Task> dropped;
        synchronized (this) {
            if (closed) return;
            closed = true;
            dropped = List.copyOf(waiting);
            waiting.clear();
            inFlight -= dropped.size();
        }
        for (Task t : dropped) t.out.fail(new ServeException(Kind.INTERNAL, "the model was unloaded before this request started"));
        loaded.close(); // cancels the running generation; the dropped ones find their mailbox ended and skip
        listeners.shutdown();
    }

    /// One submitted completion: waits on the model's inference thread, then generates there.
    private final class Task implements Completion {
        final Prompt prompt;
        final GenerateOptions options;
        final String grammar;
        final Mailbox out;
        private Generation generation; // guarded by this
        private boolean cancelled;     // guarded by this

        Task(Prompt prompt, GenerateOptions options, String grammar, Mailbox out) {
            this.prompt = prompt;
            this.options = options;
            this.grammar = grammar;
            this.out = out;
        }

        synchronized void start(Generation g) {
            generation = g;
            if (cancelled) g.cancel();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                if (cancelled) return;
                cancelled = true;
                if (generation != null) generation.cancel();
            }
            if (leaveQueue(this)) { // not started: it ends now, not when its turn comes
                release();
                out.complete(new CompletionResult(StopReason.CANCELLED, NOTHING));
            }
        }

        /// On the inference thread, when this task's turn has come.
        GenerationResult run(Context ctx, Cancellation cancel) {
            if (!leaveQueue(this)) return null; // cancelled while waiting, or dropped by close()
            long start = System.nanoTime();
            try {
                GenerationResult r = ctx.generate(prompt.tokens(), options, grammar, new GenerationListener() {
                    @Override
                    public void onText(String piece) {
                        out.text(piece);
                    }

                    @Override
                    public void onPrompt(int tokens) {
                        out.prompt(tokens);
                    }
                }, cancel);
                averageNanos = 0.8 * averageNanos + 0.2 * (System.nanoTime() - start);
                release(); // before the listener hears of the end: a client that asks again at once finds room
                out.complete(new CompletionResult(r.stopReason(), r.stats()));
                return r;
            } catch (GrammarException e) {
                release();
                out.fail(new ServeException(Kind.INVALID, e.getMessage(), null, List.of(), e));
            } catch (RuntimeException e) {
                release();
                out.fail(new ServeException(Kind.INTERNAL, String.valueOf(e.getMessage()), null, List.of(), e));
            }
            return null;
        }
    }
}
