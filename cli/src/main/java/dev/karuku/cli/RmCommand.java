package dev.karuku.cli;

import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.ModelLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/// `karuku rm MODEL`: removes a model; deletes its files only if Karuku downloaded or copied them.
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove an installed model (files of other apps are never deleted).")
final class RmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "model id or name from `karuku list`")
    String model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InstalledModel m = new ModelLibrary(CliEnvironment.paths()).remove(model);
        spec.commandLine().getOut().println(m.origin().owned() ? "Removed " + m.id() + " and deleted its files."
                : "Removed " + m.id() + " from the list (its files were left where they are).");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
