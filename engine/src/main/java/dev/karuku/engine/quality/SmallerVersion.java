package dev.karuku.engine.quality;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrix;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.llama.QuantizePlan;
import dev.karuku.engine.llama.QuantizeResult;
import dev.karuku.engine.settings.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/// "Make a smaller version": post-training quantization of a full-precision file (F32, F16, BF16 or Q8_0) on this
/// PC, then the new file measured against its source ([QualityEvaluator]). With an importance matrix computed from
/// a text, a second file is made without one (and deleted) so both KL divergences can be reported.
///
/// Steps, each told to the [Listener] with its progress: the matrix (when asked for), quantizing in a child
/// process ([QuantizeProcess], so a cancel stops it at once), then the comparisons. A cancel or a failure leaves no
/// new file behind.
public final class SmallerVersion {

    /// The types a smaller version is made from.
    public static final Set<String> SOURCES = Set.of("F32", "F16", "BF16", "Q8_0");
    /// The types offered first: the three the slider pins.
    public static final List<FileType> FIRST = List.of(FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_IQ3_S);

    /// What is being done.
    public enum Stage { IMATRIX, QUANTIZING, QUANTIZING_WITHOUT_IMATRIX, COMPARING, COMPARING_WITHOUT_IMATRIX }

    /// Progress: `fraction` 0–1 of `stage`. Called on the working thread.
    @FunctionalInterface
    public interface Listener {
        void progress(Stage stage, double fraction);
    }

    /// What to make.
    ///
    /// @param imatrixText the text to compute an importance matrix from, or null for none
    /// @param compareText the text the new file is measured on against its source
    public record Request(Path source, FileType type, Path output, String imatrixText, String compareText,
                          QualityOptions quality, int threads) {}

    /// What was made.
    ///
    /// @param withoutImatrix the same type made without the matrix, measured the same way; null when no matrix was used,
    ///                       or when the type needs one (llama.cpp makes IQ1_*, IQ2_*, IQ3_XXS only with a matrix)
    public record Result(QuantizeResult file, QualityReport quality, QualityReport withoutImatrix) {}

    /// Not enough room on the output's disk for what the plan predicts.
    public static final class NotEnoughSpaceException extends IOException {
        private final long needed;
        private final long free;

        public NotEnoughSpaceException(long needed, long free) {
            super("not enough disk space: " + needed + " bytes needed, " + free + " free");
            this.needed = needed;
            this.free = free;
        }

        public long needed() { return needed; }
        public long free() { return free; }
    }

    private static final Pattern SOURCE_SUFFIX = Pattern.compile("(?i)[-._](f32|f16|bf16|q8_0)$");

    private SmallerVersion() {}

    /// Whether a file of type `quant` can be made smaller here.
    public static boolean canShrink(String quant) {
        return SOURCES.contains(quant.toUpperCase(Locale.ROOT));
    }

    /// Where the new file goes: next to its source, named like it with the type in place of the source's
    /// (`Qwen3-1.7B-F16.gguf` → `Qwen3-1.7B-Q4_K_M.gguf`), never over an existing file.
    public static Path outputFor(Path source, FileType type) {
        String name = source.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
        base = SOURCE_SUFFIX.matcher(base).replaceFirst("") + "-" + type.label();
        Path out = source.resolveSibling(base + ".gguf");
        for (int i = 2; Files.exists(out) || Files.exists(out.resolveSibling(out.getFileName() + ".part")); i++) {
            out = source.resolveSibling(base + "-" + i + ".gguf");
        }
        return out;
    }

    /// Bytes the making needs on the output's disk: the file, and, when a second file is made without the matrix
    /// for the comparison, that one too (it exists alongside for a while).
    public static long spaceNeeded(QuantizePlan plan, boolean secondFileWithoutImatrix) {
        return secondFileWithoutImatrix ? 2 * plan.predictedBytes() : plan.predictedBytes();
    }

    /// Free bytes where `output` will be written.
    public static long freeBytes(Path output) throws IOException {
        return Files.getFileStore(output.toAbsolutePath().getParent()).getUsableSpace();
    }

    /// Makes the file and measures it. Blocks; call it off the UI thread.
    ///
    /// @throws NotEnoughSpaceException when the disk cannot hold what the plan predicts (nothing was started)
    /// @throws CancellationException   when cancelled (nothing is left behind)
    public static Result make(Request r, Listener listener, Cancellation cancel) throws IOException {
        LlamaRuntime llama = LlamaRuntime.load();
        boolean withImatrix = r.imatrixText() != null;
        QuantizePlan plan = llama.planQuantization(r.source(), r.type(), withImatrix);
        // a type llama.cpp makes only with a matrix has no version without one to compare with
        boolean makeWithout = withImatrix && !llama.planQuantization(r.source(), r.type(), false).needsImatrix();
        long needed = spaceNeeded(plan, makeWithout);
        long free = freeBytes(r.output());
        if (needed > free) throw new NotEnoughSpaceException(needed, free);
        Path matrixFile = null;
        Path without = null;
        boolean kept = false;
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(r.quality().contextLength()));
        try {
            if (withImatrix) {
                listener.progress(Stage.IMATRIX, 0);
                ImportanceMatrix m;
                try (Model source = llama.loadModel(r.source(), load)) {
                    m = ImportanceMatrix.compute(source, r.imatrixText(), "text", r.quality().contextLength(), r.quality().chunks(),
                            r.threads(), (done, total) -> listener.progress(Stage.IMATRIX, (double) done / total), cancel);
                }
                matrixFile = Files.createTempFile("karuku-imatrix", ".gguf");
                m.write(matrixFile);
            }
            check(cancel);
            listener.progress(Stage.QUANTIZING, 0);
            QuantizeResult made = QuantizeProcess.run(r.source(), r.output(), r.type(), r.threads(), matrixFile,
                    (done, total, tensor) -> listener.progress(Stage.QUANTIZING, (double) done / total), cancel);
            QualityReport without0 = null;
            if (makeWithout) {
                // hidden, and no .gguf: never listed in My Models while it exists
                without = r.output().resolveSibling("." + r.output().getFileName() + ".without-imatrix");
                listener.progress(Stage.QUANTIZING_WITHOUT_IMATRIX, 0);
                QuantizeProcess.run(r.source(), without, r.type(), r.threads(), null,
                        (done, total, tensor) -> listener.progress(Stage.QUANTIZING_WITHOUT_IMATRIX, (double) done / total), cancel);
            }
            listener.progress(Stage.COMPARING, 0);
            QualityReport quality = compare(llama, r.output(), r, load, Stage.COMPARING, listener, cancel);
            if (without != null) {
                listener.progress(Stage.COMPARING_WITHOUT_IMATRIX, 0);
                without0 = compare(llama, without, r, load, Stage.COMPARING_WITHOUT_IMATRIX, listener, cancel);
            }
            check(cancel);
            kept = true;
            return new Result(made, quality, without0);
        } finally {
            if (matrixFile != null) Files.deleteIfExists(matrixFile);
            if (without != null) Files.deleteIfExists(without);
            if (!kept) Files.deleteIfExists(r.output());
        }
    }

    private static QualityReport compare(LlamaRuntime llama, Path file, Request r, LoadOptions load, Stage stage, Listener listener,
                                         Cancellation cancel) {
        try (Model ref = llama.loadModel(r.source(), load); Model m = llama.loadModel(file, load)) {
            return QualityEvaluator.evaluate(m, ref, r.compareText(), r.quality(),
                    (done, total) -> listener.progress(stage, (double) done / total), cancel);
        }
    }

    private static void check(Cancellation cancel) {
        if (cancel.isCancelled()) throw new CancellationException("cancelled");
    }
}
