package dev.karuku.cli;

import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/// `karuku quantize IN OUT --type Q4_K_M`: rewrites a model with smaller weights, with progress on stderr.
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelOptions.quietNativeLog();
        FileType ft = FileType.fromLabel(type).orElseThrow(() -> new CliErrors.UsageProblem("unknown type '" + type
                + "' (use one of " + Arrays.stream(FileType.values()).map(FileType::label).collect(Collectors.joining(", ")) + ")"));
        if (!Files.exists(in)) throw new CliErrors.UsageProblem("no such file: " + in);
        if (Files.exists(out) && !force) throw new CliErrors.UsageProblem(out + " already exists (add --force to overwrite it)");
        int n = threads != null ? threads : CpuInfo.physicalCores();
        if (n < 1) throw new CliErrors.UsageProblem("--threads must be at least 1");
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        int[] lastDecile = {-1};
        QuantizeResult r = LlamaRuntime.load().quantize(in, out, ft, n, (done, total, tensor) -> {
            if (terminal) {
                err.printf(Locale.ROOT, "\rquantizing to %s: %d/%d tensors", ft.label(), done, total);
                err.flush();
            } else if (done * 10 / total > lastDecile[0]) {
                lastDecile[0] = done * 10 / total;
                err.printf(Locale.ROOT, "quantizing to %s: %d/%d tensors%n", ft.label(), done, total);
                err.flush();
            }
        });
        if (terminal) err.println();
        err.printf(Locale.ROOT, "wrote %s (%s, %.2f MB from %.2f MB in %.1f s)%n", r.output(), ft.label(),
                r.outputBytes() / 1e6, r.inputBytes() / 1e6, r.elapsed().toMillis() / 1e3);
        return 0;
    }
}
