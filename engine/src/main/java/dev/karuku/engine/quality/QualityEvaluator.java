package dev.karuku.engine.quality;

import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.Context;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.settings.LoadSettings;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

/// Compares a model with a reference over the same tokens, the way llama.cpp's perplexity tool does: the text is
/// tokenized once, cut into chunks of `n` tokens (the first token of each replaced by BOS where the model adds one),
/// each chunk evaluated from an empty cache in batches, and the positions of its second half (`n/2 … n-2`) scored
/// against the token that follows. Per position: the negative log-likelihood of the true next token under each
/// model, the KL divergence of the model's distribution from the reference's, and whether both rank the same token
/// first. Each chunk runs on the reference first (its log-probabilities kept for that chunk only), then on the model.
///
/// Both models must share a vocabulary (the same tokens for the text) and be loaded with 0 GPU layers: both are
/// evaluated on the CPU, so the comparison measures the files, not two backends. Runs on the calling thread.
public final class QualityEvaluator {

    /// Told after each chunk.
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int done, int total);
    }

    private QualityEvaluator() {}

    /// @throws IllegalArgumentException when the models tokenize the text differently or it is shorter than one chunk
    /// @throws CancellationException    when `cancel` is signalled (nothing partial is returned)
    public static QualityReport evaluate(Model model, Model reference, String text, QualityOptions options,
                                         Progress progress, Cancellation cancel) {
        int[] tokens = model.tokenize(text, true, false);
        if (!Arrays.equals(tokens, reference.tokenize(text, true, false))) {
            throw new IllegalArgumentException("the two models split the text into different tokens: compare files of the same model");
        }
        int n = options.contextLength();
        int available = tokens.length / n;
        if (available == 0) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens, fewer than one chunk of " + n
                    + "; use a longer text or a smaller --ctx");
        }
        int chunks = options.chunks() == 0 ? available : Math.min(options.chunks(), available);
        int first = n / 2;
        int scored = options.scoredPerChunk();
        int nVocab = model.info().vocabSize();
        if (reference.info().vocabSize() != nVocab) throw new IllegalArgumentException("the two models have vocabularies of different sizes");

        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(n).withThreads(options.threads())
                .withBatch(Math.min(n, 2048)).withUbatch(Math.min(n, 512)));
        double nllModel = 0, nllRef = 0;
        int agree = 0;
        double[] klds = new double[chunks * scored];
        int k = 0;
        float[][] refRows = new float[scored][];
        double[] lpRef = new double[nVocab];
        double[] lpModel = new double[nVocab];
        try (Context refCtx = reference.newCpuContext(load); Context ctx = model.newCpuContext(load)) {
            for (int c = 0; c < chunks; c++) {
                int[] chunk = Arrays.copyOfRange(tokens, c * n, (c + 1) * n);
                if (model.addsBos()) chunk[0] = tokens[0]; // tokenized with BOS first
                double[] refNll = {0};
                refCtx.clear();
                boolean done = refCtx.evaluateWithLogits(chunk, 0, n, first, (i, logits) -> {
                    if (i >= n - 1) return;
                    Scoring.logSoftmax(logits, lpRef);
                    refRows[i - first] = logits.clone(); // raw: identical logits give identical rows below, KL 0
                    refNll[0] -= lpRef[chunk[i + 1]];
                }, cancel);
                if (!done || cancel.isCancelled()) throw new CancellationException("quality comparison cancelled");
                double[] modelNll = {0};
                int[] agreed = {0};
                int base = k;
                ctx.clear();
                done = ctx.evaluateWithLogits(chunk, 0, n, first, (i, logits) -> {
                    if (i >= n - 1) return;
                    Scoring.logSoftmax(logits, lpModel);
                    Scoring.logSoftmax(refRows[i - first], lpRef);
                    modelNll[0] -= lpModel[chunk[i + 1]];
                    klds[base + i - first] = Scoring.kld(lpRef, lpModel);
                    if (Scoring.argmax(lpRef) == Scoring.argmax(lpModel)) agreed[0]++;
                }, cancel);
                if (!done || cancel.isCancelled()) throw new CancellationException("quality comparison cancelled");
                nllRef += refNll[0];
                nllModel += modelNll[0];
                agree += agreed[0];
                k += scored;
                progress.chunkDone(c + 1, chunks);
            }
        }
        double[] sorted = klds.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(klds).average().orElse(0);
        var kld = new QualityReport.Kld(mean, Scoring.quantile(sorted, 0.5), Scoring.quantile(sorted, 0.99), sorted[sorted.length - 1]);
        return new QualityReport(Math.exp(nllModel / k), Math.exp(nllRef / k), kld, (double) agree / k, k, chunks, n);
    }
}
