package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;

/// One generation on a [Context]: evaluate the prompt (reusing the cached prefix), then sample, stream and
/// evaluate token by token until end-of-generation, a stop string, the token limit, a full context, or a cancel.
final class Generator {

    private final Context ctx;
    private final GenerateOptions options;
    private final GenerationListener listener;
    private final Cancellation cancel;
    private final StringBuilder text = new StringBuilder();
    private final Utf8Accumulator utf8 = new Utf8Accumulator();
    private final StopStringFilter stops;
    /// GBNF the output must match (root rule `root`), or null.
    private final String grammar;

    Generator(Context ctx, GenerateOptions options, GenerationListener listener, Cancellation cancel) {
        this(ctx, options, null, listener, cancel);
    }

    Generator(Context ctx, GenerateOptions options, String grammar, GenerationListener listener, Cancellation cancel) {
        this.grammar = grammar;
        this.ctx = ctx;
        this.options = options;
        this.listener = listener;
        this.cancel = cancel;
        this.stops = new StopStringFilter(options.stopStrings());
    }

    GenerationResult run(int[] prompt) {
        long start = System.nanoTime();
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length > ctx.size()) throw new ContextOverflowException(prompt.length, ctx.size());
        int reused = ctx.reusePrefix(prompt);
        int evaluated = prompt.length - reused;
        listener.onPrompt(evaluated);
        boolean ok = ctx.evaluate(prompt, reused, prompt.length, cancel);
        long promptDone = System.nanoTime();
        if (!ok) return result(StopReason.CANCELLED, evaluated, reused, promptDone - start, 0, 0, 0);

        Model model = ctx.model();
        int generated = 0;
        long firstToken = 0;
        StopReason reason;
        try (Sampler sampler = Sampler.create(model, options.sampling(), grammar)) {
            while (true) {
                if (cancel.isCancelled()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                int token = sampler.sample(ctx);
                if (firstToken == 0) firstToken = System.nanoTime() - start;
                if (model.isEndOfGeneration(token)) {
                    reason = StopReason.END_OF_GENERATION;
                    break;
                }
                generated++;
                emit(stops.feed(ctx.decodePiece(model, token, utf8)));
                if (stops.stopped()) {
                    reason = StopReason.STOP_STRING;
                    break;
                }
                if (options.maxTokens() != 0 && generated >= options.maxTokens()) {
                    reason = StopReason.MAX_TOKENS; // the last token is not evaluated: nobody needs its logits
                    break;
                }
                if (ctx.cachedTokenCount() >= ctx.size()) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                if (!ctx.evaluateOne(token, cancel)) {
                    reason = StopReason.CANCELLED;
                    break;
                }
            }
        }
        if (reason != StopReason.STOP_STRING) emit(stops.feed(utf8.flush()) + stops.flush());
        long end = System.nanoTime();
        return result(reason, evaluated, reused, promptDone - start, generated, end - promptDone, firstToken);
    }

    private void emit(String s) {
        if (s.isEmpty()) return;
        text.append(s);
        listener.onText(s);
    }

    private GenerationResult result(StopReason reason, int evaluated, int reused, long promptNanos, int generated,
                                    long genNanos, long firstToken) {
        return new GenerationResult(text.toString(), reason,
                new GenerationStats(evaluated, reused, promptNanos, generated, genNanos, firstToken));
    }
}
