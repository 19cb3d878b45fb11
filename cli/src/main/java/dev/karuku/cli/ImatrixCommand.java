package dev.karuku.cli;

import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.ImportanceMatrix;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.settings.LoadSettings;
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
import java.util.Locale;
import java.util.concurrent.Callable;

/// `karuku imatrix MODEL --text FILE -o imatrix.gguf`: the importance matrix of MODEL on a text, llama.cpp's way
/// (mean squared input activations of every block matrix), in llama-imatrix's GGUF format.
@Command(name = "imatrix", mixinStandardHelpOptions = true,
        description = "Compute an importance matrix from a text, for karuku quantize --imatrix (or llama-quantize).")
final class ImatrixCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "the full-precision .gguf (F32, F16, BF16 or Q8_0)")
    Path model;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text in the language the model will be used in")
    Path text;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write the matrix (default imatrix.gguf)")
    Path output = Path.of("imatrix.gguf");

    @Option(names = "--ctx", paramLabel = "N", description = "tokens per chunk (default 512)")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "the most chunks (default: all the text holds)")
    int chunks = 0;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: physical cores)")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, dev.karuku.engine.gguf.GgufException {
        ModelOptions.quietNativeLog();
        CliErrors.readHeader(model);
        int n = threads != null ? threads : CpuInfo.physicalCores();
        if (n < 1) throw new CliErrors.UsageProblem("--threads must be at least 1");
        if (ctx < 16) throw new CliErrors.UsageProblem("--ctx must be at least 16");
        PrintWriter err = spec.commandLine().getErr();
        ImportanceMatrix m = compute(model, Files.readString(text, StandardCharsets.UTF_8), text.getFileName().toString(), ctx, chunks, n,
                err, System.console() != null);
        m.write(output);
        err.printf(Locale.ROOT, "wrote %s (%d matrices, %d chunks of %d tokens)%n", output, m.entries().size(), m.chunkCount(), m.chunkSize());
        err.flush();
        return 0;
    }

    /// Loads `model` on the CPU and computes its matrix on `text`, with progress on `err`.
    static ImportanceMatrix compute(Path model, String text, String dataset, int ctx, int chunks, int threads, PrintWriter err, boolean terminal) {
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(ctx));
        try (Model m = LlamaRuntime.load().loadModel(model, load)) {
            int[] lastDecile = {-1};
            ImportanceMatrix r = ImportanceMatrix.compute(m, text, dataset, ctx, chunks, threads, (done, total) -> {
                if (terminal) {
                    err.printf(Locale.ROOT, "\rimportance matrix: chunk %d/%d", done, total);
                } else if (done * 10 / total > lastDecile[0]) {
                    lastDecile[0] = done * 10 / total;
                    err.printf(Locale.ROOT, "importance matrix: chunk %d/%d%n", done, total);
                }
                err.flush();
            }, new Cancellation());
            if (terminal) err.println();
            return r;
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
    }
}
