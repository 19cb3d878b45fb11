package dev.karuku.cli;

import dev.karuku.engine.download.DownloadJob;
import dev.karuku.engine.download.DownloadListener;
import dev.karuku.engine.download.DownloadManager;
import dev.karuku.engine.download.DownloadOptions;
import dev.karuku.engine.download.DownloadProgress;
import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.QuantChoice;
import dev.karuku.engine.hub.RepoFile;
import dev.karuku.engine.library.ModelLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/// `karuku pull REPO[:QUANT]` or `karuku pull REPO --file PATH`: downloads a model into the library.
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download a GGUF model from the Hub (default quantization Q4_K_M, else Q8_0, else the first).")
final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REPO[:QUANT]", description = "e.g. ggml-org/gemma-3-1b-it-GGUF:Q8_0")
    String target;

    @Option(names = "--file", paramLabel = "PATH", description = "download this file of the repo instead of a quantization")
    String file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int colon = target.lastIndexOf(':');
        String repo = colon > 0 ? target.substring(0, colon) : target;
        String quant = colon > 0 ? target.substring(colon + 1) : null;
        if (quant != null && file != null) throw new CliErrors.UsageProblem("give either REPO:QUANT or --file, not both");
        HubClient hub = CliEnvironment.hub();
        String commit = hub.modelInfo(repo).sha().orElseThrow(() -> new IllegalStateException("the Hub did not say which version this is"));
        List<RepoFile> tree = hub.tree(repo, commit);
        GgufRepoFiles groups = GgufRepoFiles.group(tree);
        String label;
        List<RepoFile> files;
        if (file != null) {
            RepoFile f = tree.stream().filter(x -> x.path().equals(file)).findFirst()
                    .orElseThrow(() -> new CliErrors.UsageProblem(repo + " has no file " + file + " (see `karuku files " + repo + "`)"));
            QuantChoice c = groups.models().stream().filter(q -> q.paths().contains(file)).findFirst().orElse(null);
            label = c != null ? c.label() : f.name();
            files = c != null ? c.files() : List.of(f);
        } else {
            String q = quant;
            QuantChoice c = (q == null ? groups.defaultChoice() : groups.find(q)).orElseThrow(() -> new CliErrors.UsageProblem(
                    q == null ? repo + " has no GGUF model files" : repo + " has no " + q.toUpperCase(Locale.ROOT)
                            + " file (see `karuku files " + repo + "`)"));
            label = c.label();
            files = c.files();
        }
        PrintWriter err = spec.commandLine().getErr();
        ModelLibrary library = new ModelLibrary(CliEnvironment.paths());
        try (DownloadManager downloads = new DownloadManager(hub, library, DownloadOptions.defaults())) {
            boolean terminal = CliEnvironment.stderrIsTerminal();
            int[] lastTenth = {-1};
            downloads.addListener(new DownloadListener() {
                @Override
                public void progress(String id, DownloadProgress p) {
                    String line = String.format(Locale.ROOT, "%5.1f%%  %s of %s  %s/s%s", p.fraction() * 100,
                            CliEnvironment.bytes(p.bytesDone()), CliEnvironment.bytes(p.totalBytes()),
                            CliEnvironment.bytes((long) p.bytesPerSecond()), p.eta().map(d -> "  " + d.toSeconds() + " s left").orElse(""));
                    if (terminal) {
                        err.print("\r" + line + "   "); // one line that updates in place
                    } else {
                        // a log file or a pipe: a plain line every tenth, no carriage returns
                        int tenth = (int) (p.fraction() * 10);
                        synchronized (lastTenth) {
                            if (tenth <= lastTenth[0]) return;
                            lastTenth[0] = tenth;
                        }
                        err.println(line);
                    }
                    err.flush();
                }
            });
            err.println("Downloading " + repo + " " + label + " (" + files.size() + " file" + (files.size() == 1 ? "" : "s") + ")");
            DownloadJob job = downloads.enqueue(repo, commit, label, files);
            DownloadJob end = downloads.await(job.id());
            if (end.state() == DownloadJob.State.DONE) {
                err.printf("%s100.0%%  %s verified%n", terminal ? "\r" : "", CliEnvironment.bytes(end.totalBytes()));
            } else if (terminal) {
                err.println();
            }
            if (end.state() != DownloadJob.State.DONE) throw new IllegalStateException(end.error() == null ? "download " + end.state() : end.error());
            spec.commandLine().getOut().println("Installed " + end.modelId());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
