package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.ModelLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/// `karuku list`: installed models.
@Command(name = "list", mixinStandardHelpOptions = true, description = "List installed models.")
final class ListCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelLibrary library = new ModelLibrary(CliEnvironment.paths());
        List<InstalledModel> models = library.list();
        library.problem().ifPresent(p -> spec.commandLine().getErr().println("karuku: note: " + p));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode a = m.createArrayNode();
            for (InstalledModel x : models) {
                ObjectNode o = a.addObject().put("id", x.id()).put("name", x.displayName()).put("origin", x.origin().name())
                        .put("bytes", x.sizeBytes()).put("architecture", x.facts().architecture())
                        .put("fileType", x.facts().fileType()).put("parameters", x.facts().parameters())
                        .put("contextLength", x.facts().contextLength()).put("file", x.primaryFile().toString());
                if (x.source() != null) o.put("repo", x.source().repo()).put("commit", x.source().commit());
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(a));
        } else if (models.isEmpty()) {
            out.println("No models installed yet. Try `karuku search QUERY` and `karuku pull REPO`.");
        } else {
            out.printf("%-50s %-10s %10s  %s%n", "MODEL", "TYPE", "SIZE", "ARCH");
            for (InstalledModel x : models) {
                out.printf("%-50s %-10s %10s  %s%n", x.id(), x.facts().fileType(), CliEnvironment.bytes(x.sizeBytes()), x.facts().architecture());
            }
        }
        out.flush();
        return 0;
    }
}
