package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.karuku.engine.gguf.GgufFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/// `karuku info FILE [--json]`: what a GGUF file holds, read from its header alone (instant even for 40 GB files).
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a GGUF model's architecture, size, type and shape (reads the header only).")
final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "a .gguf model file")
    Path file;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GgufFile gguf = CliErrors.readHeader(file);
        ModelSummary s = ModelSummary.of(gguf);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s.toJson()));
        } else {
            out.print(human(s));
        }
        out.flush();
        return 0;
    }

    private String human(ModelSummary s) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("file", file + " (" + bytes(s.fileSize()) + ")");
        rows.put("architecture", s.architecture());
        if (s.name() != null) rows.put("name", s.name());
        rows.put("file type", s.fileType());
        rows.put("parameters", count(s.parameters()));
        rows.put("blocks", str(s.blockCount()));
        rows.put("context", str(s.contextLength()));
        rows.put("embedding", str(s.embeddingLength()));
        rows.put("heads", str(s.headCount()) + (s.headCountKv() != null ? " (" + s.headCountKv() + " KV)" : ""));
        rows.put("vocabulary", str(s.vocabSize()));
        rows.put("tensors", s.tensorCount() + " (" + bytes(s.tensorBytes()) + ")");
        rows.put("format", "GGUF v" + s.version() + ", " + s.metadataCount() + " metadata keys");
        StringBuilder b = new StringBuilder();
        rows.forEach((k, v) -> b.append(String.format(Locale.ROOT, "%-13s %s%n", k, v)));
        return b.toString();
    }

    private static String str(Long v) {
        return v == null ? "unknown" : v.toString();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    static String count(long n) {
        if (n >= 1_000_000_000) return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        if (n >= 1_000_000) return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        return Long.toString(n);
    }
}
