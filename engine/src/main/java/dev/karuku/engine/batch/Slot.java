package dev.karuku.engine.batch;

import dev.karuku.engine.llama.BatchContext;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.llama.TokenText;

/// One sequence of the shared context and the job it runs: first its prompt, fed in chunks (after the prefix the
/// sequence still holds from its last completion, which is not evaluated again), then one token per step, sampled
/// with the job's own sampler and streamed through the job's mailbox. Used on the scheduler thread only.
final class Slot {

    final int seq;
    final Job job;
    private final TokenText text;
    private final long start = System.nanoTime();
    private final int reused;   // prompt tokens already in the KV cache when the job started
    private int[] kv;           // the tokens of this sequence in the KV cache (once the current step is decoded)
    private int fed;            // prompt tokens in the KV cache or added to a batch so far
    private int position;       // tokens of this sequence in the KV cache once the current step is decoded
    private int next = -1;      // sampled token to evaluate in the next step, or -1
    private int outputIndex = -1;
    private int generated;
    private long promptDone;
    private long firstToken;

    /// @param reused how many of the job's first prompt tokens sequence `seq` holds already (less than the prompt)
    Slot(int seq, Job job, Model model, int reused) {
        if (reused < 0 || reused >= job.prompt.length) throw new IllegalArgumentException("reused " + reused);
        this.seq = seq;
        this.job = job;
        this.text = new TokenText(model, job.stopStrings);
        this.reused = reused;
        this.fed = reused;
        this.position = reused;
        this.kv = java.util.Arrays.copyOf(job.prompt, job.prompt.length + 16);
    }

    /// The tokens this sequence leaves in the KV cache when it ends: the prompt and the reply as far as decoded.
    int[] cached() {
        return java.util.Arrays.copyOf(kv, position);
    }

    private void remember(int token) {
        if (position >= kv.length) kv = java.util.Arrays.copyOf(kv, kv.length * 2);
        kv[position] = token;
    }

    boolean generating() {
        return next >= 0;
    }

    int promptLeft() {
        return job.prompt.length - fed;
    }

    /// Adds the sampled token to the batch.
    void addToken(BatchContext ctx) {
        remember(next);
        outputIndex = ctx.add(seq, next, position++, true);
        next = -1;
    }

    /// Adds up to `budget` prompt tokens to the batch; the prompt's last one asks for logits. Returns how many.
    int addPrompt(BatchContext ctx, int budget) {
        int n = Math.min(budget, promptLeft());
        for (int i = 0; i < n; i++) {
            boolean last = fed == job.prompt.length - 1;
            int index = ctx.add(seq, job.prompt[fed], position++, last);
            if (last) outputIndex = index;
            fed++;
        }
        return n;
    }

    /// After a decode: samples when this sequence has logits in it; returns why it ended, or null to go on.
    StopReason afterDecode(BatchContext ctx) {
        if (outputIndex < 0) return null;
        int index = outputIndex;
        outputIndex = -1;
        if (promptDone == 0) promptDone = System.nanoTime();
        int token = job.sampler.sample(ctx, index);
        if (firstToken == 0) firstToken = System.nanoTime() - start;
        if (ctx.model().isEndOfGeneration(token)) return StopReason.END_OF_GENERATION;
        generated++;
        job.out.text(text.feed(token));
        if (text.stopped()) return StopReason.STOP_STRING;
        if (job.options.maxTokens() != 0 && generated >= job.options.maxTokens()) return StopReason.MAX_TOKENS;
        if (position >= ctx.sequenceSize()) return StopReason.CONTEXT_FULL;
        next = token;
        return null;
    }

    /// The text held back until the end (none after a stop string).
    void flush() {
        job.out.text(text.finish());
    }

    GenerationStats stats() {
        long now = System.nanoTime();
        long promptEnd = promptDone == 0 ? now : promptDone;
        return new GenerationStats(fed - reused, reused, promptEnd - start, generated, now - promptEnd, firstToken);
    }
}
