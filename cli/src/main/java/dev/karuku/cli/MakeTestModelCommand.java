package dev.karuku.cli;

import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/// `karuku make-test-model OUT`: writes a synthetic model for trying Karuku out and for benchmarks, without a
/// download. `successor` continues the alphabet (prompt `abc` → `defg…`); the others have real models' shapes and
/// random weights.
@Command(name = "make-test-model", mixinStandardHelpOptions = true,
        description = "Write a synthetic GGUF model (successor: ~6 MB, answers abc -> defg...; successor-1b: the same answer at a "
                + "1B model's cost, ~2 GB F16; llama-1b: ~2.5 GB random weights).")
final class MakeTestModelCommand implements Callable<Integer> {

    enum Shape { successor, successor_1b, llama_1b, gemma3_1b }

    @Parameters(index = "0", paramLabel = "OUT", description = "the .gguf file to write")
    Path out;

    @Option(names = "--shape", paramLabel = "SHAPE", description = "successor, successor-1b, llama-1b or gemma3-1b (default successor)")
    String shape = "successor";

    @Option(names = "--err-every", paramLabel = "K", description = "successor shapes: map every K-th letter to the one "
            + "after its successor (a draft model wrong on every K-th token; 1 = always wrong)")
    int errEvery;

    @Option(names = "--type", paramLabel = "TYPE", description = "f32 or f16 (default: f32 for successor, f16 otherwise)")
    String type;

    @Option(names = "--tied", description = "tie the output layer to the token embedding (llama-1b)")
    boolean tied;

    @Option(names = "--force", description = "overwrite OUT if it exists")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shape s = switch (shape.toLowerCase(java.util.Locale.ROOT)) {
            case "successor" -> Shape.successor;
            case "successor-1b" -> Shape.successor_1b;
            case "llama-1b" -> Shape.llama_1b;
            case "gemma3-1b" -> Shape.gemma3_1b;
            default -> throw new CliErrors.UsageProblem("unknown shape '" + shape + "' (use successor, successor-1b, llama-1b or gemma3-1b)");
        };
        if (errEvery < 0) throw new CliErrors.UsageProblem("--err-every must be 0 or more");
        if (errEvery > 0 && s != Shape.successor && s != Shape.successor_1b) throw new CliErrors.UsageProblem("--err-every is for the successor shapes");
        GgmlType t = type == null ? (s == Shape.successor ? GgmlType.F32 : GgmlType.F16) : switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> GgmlType.F32;
            case "f16" -> GgmlType.F16;
            default -> throw new CliErrors.UsageProblem("unknown type '" + type + "' (use f32 or f16)");
        };
        if (Files.exists(out) && !force) throw new CliErrors.UsageProblem(out + " already exists (add --force to overwrite it)");
        switch (s) {
            case successor -> TestModels.successor(out, t, ModelShape.successor(), errEvery);
            case successor_1b -> TestModels.successor(out, t, ModelShape.successor1b(), errEvery);
            case llama_1b -> TestModels.write(out, ModelShape.llama1b(tied), t);
            case gemma3_1b -> TestModels.write(out, ModelShape.gemma3_1b(), t);
        }
        spec.commandLine().getOut().println("wrote " + out + " (" + InfoCommand.bytes(Files.size(out)) + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
