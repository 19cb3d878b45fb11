package dev.karuku.cli;

import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.llama.GenerationResult;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/// `karuku generate MODEL --prompt TEXT`: continues the prompt. Only the generated text goes to stdout (streamed,
/// so it can be piped); load and speed figures go to stderr.
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with a GGUF model; the text goes to stdout, statistics to stderr.")
final class GenerateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .gguf model file")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "the text to continue")
    String prompt;

    @Option(names = {"-n", "--tokens"}, paramLabel = "N", description = "tokens to generate at most (default 128; 0 = until the context is full)")
    int tokens = 128;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when this text appears (repeatable)")
    List<String> stops = List.of();

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelOptions.quietNativeLog();
        if (tokens < 0) throw new CliErrors.UsageProblem("--tokens must be 0 or more");
        var gen = options.generateOptions(tokens, stops);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LlamaRuntime llama = LlamaRuntime.load();
        long t0 = System.nanoTime();
        LoadedModel m = join(LoadedModel.open(llama, model, options.loadOptions(model), options.speculative()));
        try {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            GenerationResult r = join(m.generate(prompt, gen, piece -> {
                out.print(piece);
                out.flush();
            }).result());
            out.println();
            out.flush();
            err.println(stats(r.stats(), loadMs, llama.variant()));
            return 0;
        } finally {
            m.close();
        }
    }

    static String stats(GenerationStats s, double loadMs, String variant) {
        return String.format(Locale.ROOT,
                "prompt %d tokens at %.1f tok/s | generated %d tokens at %.1f tok/s%s | first token %.0f ms | load %.0f ms | %s",
                s.promptTokens(), s.promptTokensPerSecond(), s.generatedTokens(), s.tokensPerSecond(), speculation(s),
                s.timeToFirstTokenMillis(), loadMs, variant);
    }

    /// " (draft: 90 of 96 proposed tokens accepted, 5.3 tokens per pass)" when speculative decoding proposed any.
    static String speculation(GenerationStats s) {
        if (s.draftedTokens() == 0) return "";
        return String.format(Locale.ROOT, " (speculative: %d of %d proposed tokens accepted, %.1f tokens per pass)",
                s.acceptedTokens(), s.draftedTokens(), s.tokensPerPass());
    }

    /// Unwraps a future's exception so the one-line error shows llama.cpp's reason, not a wrapper.
    static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        }
    }
}
