package dev.karuku.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.ModelInfo;
import dev.karuku.engine.hub.QuantChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/// `karuku files REPO`: the quantizations a repo offers, with their sizes.
@Command(name = "files", mixinStandardHelpOptions = true, description = "List the GGUF quantizations of a Hub model.")
final class FilesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name, e.g. ggml-org/gemma-3-1b-it-GGUF")
    String repo;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var hub = CliEnvironment.hub();
        ModelInfo info = hub.modelInfo(repo);
        String commit = info.sha().orElseThrow(() -> new IllegalStateException("the Hub did not say which version " + repo + " is"));
        GgufRepoFiles files = GgufRepoFiles.group(hub.tree(repo, commit));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode().put("repo", repo).put("commit", commit).put("gated", info.gated().gated());
            add(root.putArray("models"), files.models());
            add(root.putArray("projectors"), files.projectors());
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else if (files.models().isEmpty()) {
            out.println(repo + " has no GGUF model files.");
        } else {
            out.printf("%-14s %10s  %s%n", "QUANT", "SIZE", "FILES");
            String def = files.defaultChoice().map(QuantChoice::label).orElse("");
            for (QuantChoice c : files.models()) {
                out.printf("%-14s %10s  %s%s%n", c.label(), CliEnvironment.bytes(c.totalBytes()),
                        c.split() ? c.files().size() + " parts: " + c.first().path() + " …" : c.first().path(),
                        c.label().equals(def) ? "  (default)" : "");
            }
            for (QuantChoice c : files.projectors()) {
                out.printf("%-14s %10s  %s%n", "mmproj " + c.label(), CliEnvironment.bytes(c.totalBytes()), c.first().path());
            }
            if (info.gated().gated()) out.println("This model is gated: accept its licence on the Hub and set HF_TOKEN to download it.");
        }
        out.flush();
        return 0;
    }

    private static void add(ArrayNode a, List<QuantChoice> choices) {
        for (QuantChoice c : choices) {
            ObjectNode o = a.addObject().put("label", c.label()).put("kind", c.kind().name()).put("bytes", c.totalBytes());
            ArrayNode files = o.putArray("files");
            c.files().forEach(f -> files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256().orElse(null)));
        }
    }
}
