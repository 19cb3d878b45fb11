package dev.karuku.engine.llama;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;

import java.util.Arrays;
import java.util.SplittableRandom;

/// One generation on a [Context] with [Speculation]: like [Generator], but each pass of the model checks the tokens a
/// draft model or prompt lookup proposed after the last chosen one, and keeps the longest run the model agrees with,
/// plus the model's own choice after it. Stop strings, streaming UTF-8, cancellation and the token limit behave as in
/// [Generator]; rejected positions are removed from both KV caches, so the cache holds exactly the accepted text.
///
/// Exactness. Greedy: a proposal is accepted only when it is the model's own most likely token, so the text is the
/// model's greedy text token for token. Sampling: proposal `x` drawn with probability `q(x)` is accepted with probability
/// `min(1, p(x) / q(x))`, and on rejection the token is drawn from `max(0, p - q)` renormalised (Leviathan et al.,
/// 2023); every token is then distributed exactly as the model's sampler chain would draw it (`p`: its penalties,
/// top-k, top-p, min-p and temperature). Prompt lookup's proposals are certain (`q` is a point mass).
final class SpeculativeGenerator {

    private final Context ctx;
    private final Speculation spec;
    private final GenerateOptions options;
    private final GenerationListener listener;
    private final Cancellation cancel;
    private final Model model;
    private final StringBuilder text = new StringBuilder();
    private final Utf8Accumulator utf8 = new Utf8Accumulator();
    private final StopStringFilter stops;
    private final SplittableRandom rng;
    private final boolean greedy;
    private int[] history = new int[0];
    private int historyLength;
    private int generated;
    private int drafted;
    private int accepted;
    private int passes;
    private StopReason reason;

    SpeculativeGenerator(Context ctx, Speculation spec, GenerateOptions options, GenerationListener listener, Cancellation cancel) {
        this.ctx = ctx;
        this.spec = spec;
        this.options = options;
        this.listener = listener;
        this.cancel = cancel;
        this.model = ctx.model();
        this.stops = new StopStringFilter(options.stopStrings());
        int seed = options.sampling().seed();
        this.rng = seed == SamplingParams.RANDOM_SEED ? new SplittableRandom() : new SplittableRandom(seed);
        this.greedy = options.sampling().isGreedy();
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
        if (!ok) return result(StopReason.CANCELLED, evaluated, reused, promptDone - start, 0, 0);
        history = Arrays.copyOf(prompt, prompt.length + 256);
        historyLength = prompt.length;

        int nVocab = model.info().vocabSize();
        int max = spec.settings().draftMax();
        long firstToken;
        SamplingParams sampling = options.sampling();
        try (Sampler target = greedy ? Sampler.create(model, sampling) : Sampler.shaping(model, sampling, true);
             Proposer proposer = new Proposer(spec, sampling, rng, cancel, max, nVocab)) {
            float[] p = greedy ? null : new float[nVocab];
            float[] residual = greedy ? null : new float[nVocab];
            int pending = choose(target, -1, p);
            firstToken = System.nanoTime() - start;
            int[] batch = new int[max + 1];
            while (true) {
                if (cancel.isCancelled()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                if (!take(pending)) break;
                if (ctx.cachedTokenCount() >= ctx.size()) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                append(pending);
                int room = Math.min(ctx.size() - ctx.cachedTokenCount() - 1, ctx.batchSize() - 1);
                if (options.maxTokens() != 0) room = Math.min(room, options.maxTokens() - generated - 1);
                DraftLength length = spec.wantsCalibration() ? null : proposer.propose(history, historyLength, room);
                int m = length == null ? 0 : proposer.count();
                batch[0] = pending;
                System.arraycopy(proposer.tokens(), 0, batch, 1, m);
                int base = ctx.cachedTokenCount();
                long t0 = System.nanoTime();
                if (!ctx.evaluateAll(batch, m + 1, cancel)) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                spec.pass.record(m + 1, System.nanoTime() - t0);
                passes++;
                drafted += m;
                int i = 0;
                boolean stopped = false;
                for (; i < m; i++) {
                    int x = proposer.tokens()[i];
                    int y = check(target, i, x, proposer.distribution(i), p, residual);
                    if (y != x) {
                        pending = y;
                        break;
                    }
                    accepted++;
                    if (!take(x)) {
                        stopped = true;
                        break;
                    }
                    append(x);
                }
                if (length != null) length.recordOutcome(m, Math.min(i + (stopped ? 1 : 0), m));
                if (stopped) {
                    ctx.truncate(base + 1 + i);
                    break;
                }
                if (i == m) {
                    pending = choose(target, m, p);
                } else {
                    ctx.truncate(base + 1 + i); // the rejected proposals leave the cache
                }
            }
        }
        if (reason != StopReason.STOP_STRING) emit(stops.feed(utf8.flush()) + stops.flush());
        long end = System.nanoTime();
        return result(reason, evaluated, reused, promptDone - start, end - promptDone, firstToken);
    }

    /// The model's choice after output `index` of the last pass, remembered by its sampler.
    private int choose(Sampler target, int index, float[] p) {
        if (greedy) return target.sample(ctx, index);
        target.distribution(ctx, index, p);
        int y = draw(p, rng);
        target.accept(y);
        return y;
    }

    /// Accepts or rejects proposal `x` for output `index` of the last pass: returns `x` when accepted, else the token
    /// chosen instead. `q` is the distribution `x` was drawn from (null: `x` was certain).
    private int check(Sampler target, int index, int x, float[] q, float[] p, float[] residual) {
        if (greedy) return target.sample(ctx, index);
        target.distribution(ctx, index, p);
        float qx = q == null ? 1f : q[x];
        if (qx > 0 && rng.nextDouble() * qx < p[x]) {
            target.accept(x);
            return x;
        }
        double sum = 0;
        for (int t = 0; t < p.length; t++) {
            float r = p[t] - (q == null ? (t == x ? 1f : 0f) : q[t]);
            residual[t] = r > 0 ? r : 0f;
            sum += residual[t];
        }
        int y = sum > 0 ? draw(residual, sum, rng) : draw(p, rng);
        target.accept(y);
        return y;
    }

    static int draw(float[] probs, SplittableRandom rng) {
        return draw(probs, 1.0, rng);
    }

    /// A token drawn with probability `probs[t] / total`.
    static int draw(float[] probs, double total, SplittableRandom rng) {
        double u = rng.nextDouble() * total;
        int last = -1;
        for (int t = 0; t < probs.length; t++) {
            if (probs[t] <= 0) continue;
            last = t;
            u -= probs[t];
            if (u < 0) return t;
        }
        return last; // rounding left u a hair above zero: the last possible token
    }

    /// Handles one chosen token as [Generator] does: end of generation, text, stop strings, the token limit. Returns
    /// false when generation ends here ([#reason] set).
    private boolean take(int token) {
        if (model.isEndOfGeneration(token)) {
            reason = StopReason.END_OF_GENERATION;
            return false;
        }
        generated++;
        emit(stops.feed(ctx.decodePiece(model, token, utf8)));
        if (stops.stopped()) {
            reason = StopReason.STOP_STRING;
            return false;
        }
        if (options.maxTokens() != 0 && generated >= options.maxTokens()) {
            reason = StopReason.MAX_TOKENS;
            return false;
        }
        return true;
    }

    private void append(int token) {
        if (historyLength == history.length) history = Arrays.copyOf(history, history.length * 2);
        history[historyLength++] = token;
    }

    private void emit(String s) {
        if (s.isEmpty()) return;
        text.append(s);
        listener.onText(s);
    }

    private GenerationResult result(StopReason reason, int evaluated, int reused, long promptNanos, long genNanos,
                                    long firstToken) {
        // The prompt's pass chose the first token; each later pass chose one token of its own after the accepted ones.
        int modelPasses = generated == 0 ? 0 : passes + 1;
        return new GenerationResult(text.toString(), reason, new GenerationStats(evaluated, reused, promptNanos,
                generated, genNanos, generated == 0 ? 0 : firstToken, drafted, accepted, modelPasses));
    }
}
