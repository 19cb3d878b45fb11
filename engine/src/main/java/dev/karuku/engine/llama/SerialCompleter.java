package dev.karuku.engine.llama;

import dev.karuku.engine.generation.*;
import dev.karuku.engine.chat.ChatTemplate;
import dev.karuku.engine.serve.Completer;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/// A [Completer] that answers one completion at a time on a [LoadedModel]'s one context, in submission order:
/// the simplest host for a model until completions are batched. Chats are rendered with the model's
/// [ChatTemplate] (its stop strings added); at most `queueLimit` completions wait behind the running one, more are
/// refused with [ServeException.Kind#BUSY].
public final class SerialCompleter implements Completer {

    /// What a client that was told BUSY waits before it tries again.
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final LoadedModel model;
    private final ChatTemplate template;
    private final int queueLimit;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    /// @param queueLimit completions that may wait behind the running one
    public SerialCompleter(LoadedModel model, int queueLimit) {
        if (queueLimit < 0) throw new IllegalArgumentException("the queue limit must be 0 or more: " + queueLimit);
        this.model = model;
        this.template = ChatTemplate.of(model.model());
        this.queueLimit = queueLimit;
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        if (closed) {
            listener.onError(new ServeException(ServeException.Kind.INTERNAL, "the model is being unloaded"));
            return () -> {};
        }
        if (request.grammar() != null) {
            listener.onError(new ServeException(ServeException.Kind.INVALID, "grammars are not supported by this model host"));
            return () -> {};
        }
        if (pending.incrementAndGet() > 1 + queueLimit) {
            pending.decrementAndGet();
            listener.onError(new ServeException(ServeException.Kind.BUSY, "the model is answering "
                    + (1 + queueLimit) + " requests; try again shortly", RETRY_AFTER, List.of(), null));
            return () -> {};
        }
        Generation g = model.generateWith((ctx, cancel) -> {
            GenerateOptions options = request.generate();
            String text;
            if (request.isChat()) {
                text = template.apply(request.messages(), true);
                List<String> stops = new ArrayList<>(options.stopStrings());
                stops.addAll(template.stopStrings());
                options = options.withStopStrings(stops);
            } else {
                text = request.prompt();
            }
            int[] tokens = ctx.model().tokenize(text, true, true);
            return ctx.generate(tokens, options, listener::onText, cancel);
        });
        g.result().whenComplete((r, e) -> {
            pending.decrementAndGet();
            if (e == null) listener.onComplete(new CompletionResult(r.stopReason(), r.stats()));
            else listener.onError(error(e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e));
        });
        return g::cancel;
    }

    private static ServeException error(Throwable e) {
        if (e instanceof ContextOverflowException || e instanceof IllegalArgumentException)
            return new ServeException(ServeException.Kind.INVALID, e.getMessage());
        List<String> log = e instanceof LlamaException le ? le.log().stream().map(LogLine::text).toList() : List.of();
        return new ServeException(ServeException.Kind.INTERNAL, String.valueOf(e.getMessage()), null, log, e);
    }

    /// Cancels the running completion, ends the queued ones with CANCELLED, and frees the model's memory.
    @Override
    public void close() {
        closed = true;
        model.close();
    }
}
