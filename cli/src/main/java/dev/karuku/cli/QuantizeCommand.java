package dev.karuku.cli;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrix;
import dev.karuku.engine.llama.QuantizeListener;
import dev.karuku.engine.llama.QuantizePlan;
import dev.karuku.engine.llama.QuantizeResult;
import dev.karuku.engine.quality.QualityOptions;
import dev.karuku.engine.quality.SampleText;
import dev.karuku.engine.quality.SmallerVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/// `karuku quantize IN OUT --type Q4_K_M`: rewrites a model with smaller weights, with its predicted size and progress
/// on stderr; optionally with an importance matrix (a file, or computed from a text) and measured against IN after.
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a GGUF model to a smaller type (Q4_K_M, Q5_K_S, IQ3_S, Q8_0, ...).")
final class QuantizeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "the .gguf model to read")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the .gguf file to write")
    Path out;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE", description = "target type, e.g. Q4_K_M, Q5_K_S, IQ3_S, Q8_0")
    String type;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: physical cores)")
    Integer threads;

    @Option(names = "--force", description = "overwrite OUT if it exists")
    boolean force;

    @Option(names = "--imatrix", paramLabel = "FILE", description = "an importance matrix in llama.cpp's GGUF format (karuku imatrix, llama-imatrix)")
    Path imatrix;

    @Option(names = "--imatrix-text", paramLabel = "FILE", description = "compute an importance matrix from this UTF-8 text first and quantize with it")
    Path imatrixText;

    @Option(names = "--compare", description = "measure OUT against IN afterwards (KL divergence, perplexity); with --imatrix-text also a version made without the matrix")
    boolean compare;

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text --compare measures on (default: the bundled public-domain sample)")
    Path text;

    @Option(names = "--ctx", paramLabel = "N", description = "tokens per chunk for the matrix and --compare (default 512)")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "the most chunks for the matrix and --compare (default: all the text holds)")
    int chunks = 0;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelOptions.quietNativeLog();
        FileType ft = FileType.fromLabel(type).orElseThrow(() -> new CliErrors.UsageProblem("unknown type '" + type
                + "' (use one of " + Arrays.stream(FileType.values()).map(FileType::label).collect(Collectors.joining(", ")) + ")"));
        if (!Files.exists(in)) throw new CliErrors.UsageProblem("no such file: " + in);
        if (Files.exists(out) && !force) throw new CliErrors.UsageProblem(out + " already exists (add --force to overwrite it)");
        int n = threads != null ? threads : CpuInfo.physicalCores();
        if (n < 1) throw new CliErrors.UsageProblem("--threads must be at least 1");
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (imatrix != null && imatrixText != null) throw new CliErrors.UsageProblem("use --imatrix or --imatrix-text, not both");
        if (compare && imatrix != null) throw new CliErrors.UsageProblem("--compare makes its own matrix: use --imatrix-text with it");
        QualityOptions qualityOptions;
        try {
            qualityOptions = new QualityOptions(ctx, chunks, n);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        boolean withMatrix = imatrix != null || imatrixText != null;
        LlamaRuntime llama = LlamaRuntime.load();
        QuantizePlan plan = llama.planQuantization(in, ft, withMatrix);
        if (plan.needsImatrix()) {
            throw new CliErrors.UsageProblem(ft.label() + " needs an importance matrix: add --imatrix-text FILE (a text in the model's language) or --imatrix FILE");
        }
        err.printf(Locale.ROOT, "%s will be %.2f MB (llama.cpp's choice of type for each tensor)%n", ft.label(), plan.predictedBytes() / 1e6);
        boolean terminal = System.console() != null;
        int[] lastDecile = {-1};
        QuantizeListener progress = (done, total, tensor) -> {
            if (terminal) {
                err.printf(Locale.ROOT, "\rquantizing to %s: %d/%d tensors", ft.label(), done, total);
                err.flush();
            } else if (done * 10 / total > lastDecile[0]) {
                lastDecile[0] = done * 10 / total;
                err.printf(Locale.ROOT, "quantizing to %s: %d/%d tensors%n", ft.label(), done, total);
                err.flush();
            }
        };
        if (force) Files.deleteIfExists(out);
        if (compare) {
            String measureOn = text == null ? SampleText.text() : Files.readString(text, StandardCharsets.UTF_8);
            String matrixText = imatrixText == null ? null : Files.readString(imatrixText, StandardCharsets.UTF_8);
            Cancellation cancel = new Cancellation();
            SmallerVersion.Result r;
            try {
                r = SmallerVersion.make(new SmallerVersion.Request(in, ft, out, matrixText, measureOn, qualityOptions, n), (stage, fraction) -> {
                    if (stage == SmallerVersion.Stage.QUANTIZING) return; // the tensors' own lines are enough
                    if (terminal) err.printf(Locale.ROOT, "\r%s: %3.0f %%", stageName(stage), fraction * 100);
                    err.flush();
                }, cancel);
            } catch (SmallerVersion.NotEnoughSpaceException e) {
                throw new CliErrors.UsageProblem(String.format(Locale.ROOT, "not enough disk space for %s: %.2f MB needed, %.2f MB free",
                        out.getFileName(), e.needed() / 1e6, e.free() / 1e6));
            } catch (IllegalArgumentException e) {
                throw new CliErrors.UsageProblem(e.getMessage());
            }
            if (terminal) err.println();
            report(err, r.file());
            stdout.printf(Locale.ROOT, "KL divergence         mean %.6f  p99 %.6f%s%n", r.quality().kld().mean(), r.quality().kld().p99(),
                    r.withoutImatrix() == null ? "" : "  (with the importance matrix)");
            if (r.withoutImatrix() != null) {
                stdout.printf(Locale.ROOT, "KL divergence         mean %.6f  p99 %.6f  (without it)%n", r.withoutImatrix().kld().mean(), r.withoutImatrix().kld().p99());
            }
            stdout.printf(Locale.ROOT, "perplexity            %.4f  (%s %.4f, %+.2f %%)%n", r.quality().perplexity(), in.getFileName(),
                    r.quality().referencePerplexity(), r.quality().perplexityIncreasePercent());
            stdout.printf(Locale.ROOT, "same top token        %.2f %%%n", r.quality().top1Agreement() * 100);
            stdout.printf(Locale.ROOT, "scored                %d tokens%n", r.quality().tokens());
            stdout.flush();
            return 0;
        }
        ImportanceMatrix matrix = null;
        if (imatrix != null) {
            matrix = ImportanceMatrix.read(imatrix);
        } else if (imatrixText != null) {
            matrix = ImatrixCommand.compute(in, Files.readString(imatrixText, StandardCharsets.UTF_8), imatrixText.getFileName().toString(),
                    ctx, chunks, n, err, terminal);
        }
        QuantizeResult r = llama.quantize(in, out, ft, n, matrix, progress);
        if (terminal) err.println();
        report(err, r);
        return 0;
    }

    private static void report(PrintWriter err, QuantizeResult r) {
        err.printf(Locale.ROOT, "wrote %s (%s, %.2f MB from %.2f MB in %.1f s)%n", r.output(), r.type().label(),
                r.outputBytes() / 1e6, r.inputBytes() / 1e6, r.elapsed().toMillis() / 1e3);
        err.flush();
    }

    private static String stageName(SmallerVersion.Stage s) {
        return switch (s) {
            case IMATRIX -> "importance matrix";
            case QUANTIZING -> "quantizing";
            case QUANTIZING_WITHOUT_IMATRIX -> "quantizing without the matrix";
            case COMPARING -> "measuring";
            case COMPARING_WITHOUT_IMATRIX -> "measuring the version without the matrix";
        };
    }
}
