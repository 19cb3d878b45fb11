package dev.karuku.cli;

import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.logging.LogFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/// `karuku`: the engine's command line. Each subcommand is its own class in this package.
///
/// Bad input ends with a non-zero exit code and one line on stderr that says what is wrong; stack traces are
/// never shown (set `KARUKU_DEBUG=1` to see them).
@Command(name = "karuku", mixinStandardHelpOptions = true, version = "Karuku 0.1.0",
        description = "Run large language models privately on your own PC.",
        subcommands = {
                CommandLine.HelpCommand.class,
                InfoCommand.class,
                MakeTestModelCommand.class,
                SearchCommand.class,
                FilesCommand.class,
                PullCommand.class,
                ListCommand.class,
                RmCommand.class,
                GenerateCommand.class,
                QuantizeCommand.class,
                ImatrixCommand.class,
                ChatCommand.class,
                DevicesCommand.class,
                EstimateCommand.class,
                BenchCommand.class,
                QualityCommand.class,
                ServeCommand.class,
                TemplateCommand.class,
        })
public final class Main {
    private static final System.Logger LOG = System.getLogger("dev.karuku.cli");

    public static void main(String[] args) {
        dev.karuku.engine.install.ArchiveJarTimes.restore(); // installed: the next start uses the class archive
        System.exit(runLogged(args));
    }

    /// As [#run], writing what goes wrong, with its stack trace, to the log file in the data folder (the token
    /// hidden), where the app writes too.
    static int runLogged(String... args) {
        try {
            LogFile.install(CliEnvironment.paths().logDir(),
                    () -> HubConfig.fromEnvironment(CliEnvironment.env(), CliEnvironment.home()).token().stream().toList(), false);
        } catch (RuntimeException e) {
            // no log file: the command still runs
        }
        try {
            return run(args);
        } finally {
            LogFile.uninstall();
        }
    }

    /// Runs a command line and returns its exit code (used by tests too).
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("KARUKU_DEBUG") != null) e.printStackTrace(cmd.getErr());
            if (LogFile.current() != null) LOG.log(System.Logger.Level.ERROR, "karuku " + cmd.getCommandName() + " failed", e);
            cmd.getErr().println("karuku: " + CliErrors.describe(e));
            return e instanceof CliErrors.UsageProblem ? 2 : 1;
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            e.getCommandLine().getErr().println("karuku: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }
}
