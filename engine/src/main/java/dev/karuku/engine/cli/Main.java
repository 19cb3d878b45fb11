package dev.karuku.engine.cli;

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
                ChatCommand.class,
                DevicesCommand.class,
                EstimateCommand.class,
                BenchCommand.class,
        })
public final class Main {

    public static void main(String[] args) {
        dev.karuku.engine.install.ArchiveJarTimes.restore(); // installed: the next start uses the class archive
        System.exit(run(args));
    }

    /// Runs a command line and returns its exit code (used by tests too).
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("KARUKU_DEBUG") != null) e.printStackTrace(cmd.getErr());
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
