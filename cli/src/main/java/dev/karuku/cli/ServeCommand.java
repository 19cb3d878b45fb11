package dev.karuku.cli;

import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.engine.settings.SpeculativeSettings;
import dev.karuku.cli.server.JsonGrammars;
import dev.karuku.engine.serve.JsonGrammar;
import dev.karuku.engine.worker.Supervisor;
import dev.karuku.engine.worker.SupervisorOptions;
import dev.karuku.cli.server.OpenAiServer;
import dev.karuku.cli.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// `karuku serve [MODEL…]`: an OpenAI-compatible server on this computer (see docs/server.md). Models load when a
/// request first names them; the request log goes to stderr; Ctrl-C stops it.
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/completions, /v1/models).")
final class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", arity = "0..*",
            description = "a .gguf file or a model from `karuku list` (default: every installed model)")
    List<String> models = List.of();

    @Option(names = "--host", paramLabel = "H", description = "address to listen on (default 127.0.0.1: this computer only; "
            + "any other needs --api-key)")
    String host = ServerOptions.LOOPBACK;

    @Option(names = "--port", paramLabel = "P", description = "TCP port (default " + ServerOptions.DEFAULT_PORT + ")")
    int port = ServerOptions.DEFAULT_PORT;

    @Option(names = "--api-key", paramLabel = "K", description = "require 'Authorization: Bearer K' on every request "
            + "(default: the KARUKU_API_KEY environment variable, else none)")
    String apiKey;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "let web pages from ORIGIN call the server (default: none)")
    String cors;

    @Option(names = "--parallel", paramLabel = "N", description = "requests answered at once per model (default 1; "
            + "not with --draft or --lookup)")
    int parallel = 1;

    @Option(names = "--queue", paramLabel = "N", description = "requests that may wait per model before the server "
            + "answers 429 (default 8)")
    int queue = 8;

    @Option(names = "--ctx", paramLabel = "N", description = "context length in tokens (default: the model's, at most "
            + ModelOptions.DEFAULT_CONTEXT + " and what fits in memory)")
    Integer ctx;

    @Option(names = "--gpu-layers", paramLabel = "N", description = "layers to offload to the GPU (-1 = all, 0 = none; "
            + "default: as many as fit)")
    Integer gpuLayers;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: physical cores)")
    Integer threads;

    @Option(names = "--draft", paramLabel = "MODEL", description = "speculative decoding with this draft model for "
            + "every model served: a small model with the same vocabulary proposes tokens, the model checks several at "
            + "a time (same text, faster). A model whose vocabulary differs fails to load with the reason. Each model "
            + "then answers one request at a time, the others wait (--queue)")
    Path draft;

    @Option(names = "--draft-max", paramLabel = "N", description = "the most tokens proposed at a time (default "
            + SpeculativeSettings.DEFAULT_DRAFT_MAX + "; fewer while few are accepted)")
    int draftMax = SpeculativeSettings.DEFAULT_DRAFT_MAX;

    @Option(names = "--lookup", description = "speculative decoding with prompt lookup: continuations of text already "
            + "in the conversation are proposed and checked several at a time (one request at a time per model)")
    boolean lookup;

    @Option(names = "--keep-alive", paramLabel = "D", description = "unload a model idle this long: 30s, 5m, 1h, 0, "
            + "or 'forever' (default 10m)")
    String keepAlive = "10m";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelOptions.quietNativeLog();
        PrintWriter err = spec.commandLine().getErr();
        if (apiKey == null) apiKey = CliEnvironment.env().get("KARUKU_API_KEY");
        if (apiKey != null && apiKey.isBlank()) apiKey = null;
        if (parallel < 1) throw new CliErrors.UsageProblem("--parallel must be at least 1");
        if (queue < 0) throw new CliErrors.UsageProblem("--queue must be 0 or more");
        SpeculativeSettings speculative = speculative();
        Duration idle = keepAlive(keepAlive);
        ServerOptions options;
        InetAddress address;
        try {
            options = ServerOptions.defaults().withHost(host).withPort(port).withApiKey(apiKey).withCorsOrigin(cors)
                    .withGrammars(JsonGrammars.of(JsonGrammar::anyJson, JsonGrammar::fromSchema))
                    .withRequestLog(line -> logLine(err, line));
            address = options.bindAddress();
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        List<HostedModel> hosted = resolve(models);
        ModelHost modelHost = host(hosted, idle, speculative, err);
        OpenAiServer server;
        try {
            server = OpenAiServer.start(modelHost, options);
        } catch (BindException e) {
            modelHost.close();
            throw new CliErrors.UsageProblem("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another server using it? Choose another with --port");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            modelHost.close();
            stopped.countDown();
        }, "karuku-serve-stop"));
        if (!address.isLoopbackAddress())
            err.println("Listening on " + host + ": other computers can reach this server; every request needs the API key.");
        err.println("Serving " + hosted.size() + (hosted.size() == 1 ? " model" : " models") + ": "
                + String.join(", ", hosted.stream().map(HostedModel::id).toList()));
        if (speculative.enabled()) err.println("Speculative decoding: " + describe(speculative) + "; one request at a time per model");
        err.println("OpenAI-compatible API at " + server.baseUri() + "  (Ctrl-C stops)");
        err.flush();
        stopped.await();
        return 0;
    }

    /// The host the server asks: each model in its own worker process (a native fault costs that model, not the
    /// server), loaded on the first request for it, `--parallel` sequences decoded together, `--queue` more waiting.
    /// Without --gpu-layers, --ctx or --threads each model gets the plan that fits best on this PC.
    private ModelHost host(List<HostedModel> hosted, Duration idle, SpeculativeSettings speculative, PrintWriter err) {
        ModelOptions load = new ModelOptions();
        load.ctx = ctx;
        load.gpuLayers = gpuLayers;
        load.threads = threads;
        boolean chosen = ctx != null || gpuLayers != null || threads != null;
        SupervisorOptions o = SupervisorOptions.defaults()
                .withKeepAlive(idle == null ? FOREVER : idle)
                .withParallel(parallel, queue)
                .withLoadOptions(m -> chosen ? load.loadOptions(m.file()) : null)
                .withSpeculative(m -> speculative);
        Supervisor supervisor = new Supervisor(hosted, o);
        // a model that cannot load (a draft with another vocabulary, a broken file) says why here too, not only to
        // the client that asked for it
        Map<String, HostedModel.State> last = new ConcurrentHashMap<>();
        supervisor.watch(m -> {
            HostedModel.State before = last.put(m.id(), m.state());
            if (m.state() != HostedModel.State.FAILED) return;
            logLine(err, (before == HostedModel.State.LOADING ? "cannot load " : "stopped: ") + m.id() + ": " + m.problem());
        });
        return supervisor;
    }

    /// `--draft`, `--draft-max` and `--lookup`. Speculation checks several tokens of one answer per pass of the model,
    /// continuous batching one token of several answers: a speculative model answers one request at a time, so
    /// `--parallel` above 1 is refused rather than quietly ignored.
    private SpeculativeSettings speculative() {
        SpeculativeSettings s;
        try {
            s = new SpeculativeSettings(draft == null ? null : draft.toAbsolutePath().normalize(), draftMax, lookup);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UsageProblem(e.getMessage());
        }
        if (draft != null && !Files.isRegularFile(draft)) throw new CliErrors.UsageProblem("no draft model at " + draft);
        if (s.enabled() && parallel > 1) throw new CliErrors.UsageProblem("--parallel " + parallel + " and "
                + (draft != null ? "--draft" : "--lookup") + " do not combine: with speculative decoding a model answers one "
                + "request at a time (each pass checks several tokens of one answer instead of one token of several); "
                + "drop one of them");
        return s;
    }

    private static String describe(SpeculativeSettings s) {
        List<String> parts = new ArrayList<>();
        if (s.draft() != null) parts.add("draft model " + s.draft().getFileName());
        if (s.lookup()) parts.add("prompt lookup");
        return String.join(" and ", parts) + ", up to " + s.draftMax() + " tokens at a time";
    }

    /// `--keep-alive forever`: longer than any server runs.
    private static final Duration FOREVER = Duration.ofDays(36500);

    /// Each name as a file (id: its name without `.gguf`; its path also answers) or a library model (id: the
    /// library's); no names: every installed model.
    static List<HostedModel> resolve(List<String> names) throws IOException {
        ModelLibrary library = new ModelLibrary(CliEnvironment.paths());
        List<HostedModel> out = new ArrayList<>();
        if (names.isEmpty()) {
            for (InstalledModel m : library.list()) out.add(fromLibrary(m));
            if (out.isEmpty()) throw new CliErrors.UsageProblem(
                    "no models installed: give a .gguf file, or get one with `karuku search QUERY` and `karuku pull REPO`");
            return out;
        }
        Set<String> ids = new HashSet<>();
        for (String name : names) {
            Path file = Path.of(name);
            HostedModel m;
            if (Files.isRegularFile(file)) {
                String base = file.getFileName().toString();
                String id = base.toLowerCase(Locale.ROOT).endsWith(".gguf") ? base.substring(0, base.length() - 5) : base;
                Set<String> aliases = new LinkedHashSet<>(List.of(name, base, file.toAbsolutePath().normalize().toString()));
                aliases.remove(id);
                m = new HostedModel(id, file.toAbsolutePath().normalize(), List.copyOf(aliases), HostedModel.State.UNLOADED, null);
            } else {
                m = library.find(name).map(ServeCommand::fromLibrary).orElseThrow(() -> new CliErrors.UsageProblem(
                        "no model file or installed model named '" + name + "': give a .gguf file or a name from `karuku list`"));
            }
            if (!ids.add(m.id())) throw new CliErrors.UsageProblem("two models would both be called '" + m.id()
                    + "': rename one of the files");
            out.add(m);
        }
        return out;
    }

    private static HostedModel fromLibrary(InstalledModel m) {
        Set<String> aliases = new LinkedHashSet<>(List.of(m.displayName(), m.primaryFile().getFileName().toString()));
        aliases.remove(m.id());
        return new HostedModel(m.id(), m.primaryFile(), List.copyOf(aliases), HostedModel.State.UNLOADED, null);
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    /// `30s`, `5m`, `1h`, `500ms`, `0` (unload at once) or `forever`/`-1` (null: never).
    static Duration keepAlive(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("forever") || t.equals("-1")) return null;
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) throw new CliErrors.UsageProblem("--keep-alive takes a duration like 30s, 5m or 1h, 0, or 'forever': " + text);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private static synchronized void logLine(PrintWriter err, String line) {
        err.println(LocalTime.now().format(TIME) + " " + line);
        err.flush();
    }
}
