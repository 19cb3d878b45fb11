package dev.karuku.engine.batch;

import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.llama.Sampler;
import dev.karuku.engine.serve.Completion;

import java.util.List;
import java.util.function.Consumer;

/// One submitted completion: its tokenized prompt, its sampler, where its events go, and whether it was cancelled.
/// Queued until a sequence is free, then run by a [Slot].
final class Job implements Completion {

    final int[] prompt;
    final GenerateOptions options;
    final List<String> stopStrings;
    final Sampler sampler;
    final Mailbox out;
    private final Consumer<Job> onCancel;
    private volatile boolean cancelled;

    Job(int[] prompt, GenerateOptions options, List<String> stopStrings, Sampler sampler, Mailbox out,
        Consumer<Job> onCancel) {
        this.prompt = prompt;
        this.options = options;
        this.stopStrings = stopStrings;
        this.sampler = sampler;
        this.out = out;
        this.onCancel = onCancel;
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        onCancel.accept(this);
    }
}
