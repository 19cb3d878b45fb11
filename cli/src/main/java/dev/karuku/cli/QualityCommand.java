package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.llama.Cancellation;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.settings.LoadSettings;
import dev.karuku.engine.llama.Model;
import dev.karuku.engine.quality.QualityEvaluator;
import dev.karuku.engine.quality.QualityOptions;
import dev.karuku.engine.quality.QualityReport;
import dev.karuku.engine.quality.SampleText;
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

/// `karuku quality MODEL --reference REF`: how much MODEL loses against REF (perplexity of each, KL divergence,
/// top-token agreement) over the same tokens of a text, the way llama.cpp's perplexity tool measures it.
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Measure how much a quantized model loses against a fuller one: perplexity, KL divergence, top-token agreement.")
final class QualityCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .gguf model to measure (e.g. a Q4_K_M file)")
    Path model;

    @Option(names = "--reference", required = true, paramLabel = "REF", description = "the .gguf to compare with (e.g. the F16 or Q8_0 file of the same model)")
    Path reference;

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text to measure on (default: a bundled public-domain sample, Japanese and English)")
    Path text;

    @Option(names = "--ctx", paramLabel = "N", description = "tokens per chunk; the second half of each is scored (default 512)")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "the most chunks to evaluate (default: all the text holds)")
    int chunks = 0;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: physical cores)")
    Integer threads;

    @Option(names = "--json", description = "print the result as JSON on stdout")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, dev.karuku.engine.gguf.GgufException {
        ModelOptions.quietNativeLog();
        QualityOptions options;
        try {
            options = new QualityOptions(ctx, chunks, threads != null ? threads : CpuInfo.physicalCores());
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        CliErrors.readHeader(model);
        CliErrors.readHeader(reference);
        String sample = text == null ? SampleText.text() : Files.readString(text, StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        LlamaRuntime llama = LlamaRuntime.load();
        LoadOptions load = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(0).withContextLength(ctx));
        Cancellation cancel = new Cancellation();
        Thread hook = new Thread(cancel::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        QualityReport r;
        try (Model ref = llama.loadModel(reference, load); Model m = llama.loadModel(model, load)) {
            int[] lastDecile = {-1};
            r = QualityEvaluator.evaluate(m, ref, sample, options, (done, total) -> {
                if (terminal) {
                    err.printf(Locale.ROOT, "\rmeasuring: chunk %d/%d", done, total);
                } else if (done * 10 / total > lastDecile[0]) { // a log gets a line per tenth, not per chunk
                    lastDecile[0] = done * 10 / total;
                    err.printf(Locale.ROOT, "measuring: chunk %d/%d%n", done, total);
                }
                err.flush();
            }, cancel);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
        if (terminal) err.println();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("model", model.getFileName().toString());
            o.put("reference", reference.getFileName().toString());
            o.put("perplexity", r.perplexity());
            o.put("referencePerplexity", r.referencePerplexity());
            ObjectNode kld = o.putObject("kld");
            kld.put("mean", r.kld().mean());
            kld.put("median", r.kld().median());
            kld.put("p99", r.kld().p99());
            kld.put("max", r.kld().max());
            o.put("top1Agreement", r.top1Agreement());
            o.put("tokens", r.tokens());
            o.put("chunks", r.chunks());
            o.put("ctx", r.contextLength());
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "perplexity            %.4f  (reference %.4f, %+.2f %%)%n", r.perplexity(), r.referencePerplexity(), r.perplexityIncreasePercent());
            out.printf(Locale.ROOT, "KL divergence         mean %.6f  median %.6f  p99 %.6f  max %.6f%n", r.kld().mean(), r.kld().median(), r.kld().p99(), r.kld().max());
            out.printf(Locale.ROOT, "same top token        %.2f %%%n", r.top1Agreement() * 100);
            out.printf(Locale.ROOT, "scored                %d tokens in %d chunks of %d%n", r.tokens(), r.chunks(), r.contextLength());
        }
        out.flush();
        return 0;
    }
}
