package dev.karuku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.karuku.engine.hub.ModelSummary;
import dev.karuku.engine.hub.SearchPage;
import dev.karuku.engine.hub.SearchQuery;
import dev.karuku.engine.hub.SearchSort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/// `karuku search QUERY`: GGUF models on the Hugging Face Hub.
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search the Hugging Face Hub for GGUF models.")
final class SearchCommand implements Callable<Integer> {

    enum Sort { downloads, likes, trending, updated }

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "part of the model name")
    String query = "";

    @Option(names = "--limit", defaultValue = "20", description = "how many results (1-500, default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--sort", defaultValue = "downloads", description = "downloads, likes, trending or updated")
    Sort sort;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > 500) throw new CliErrors.UsageProblem("--limit must be between 1 and 500");
        SearchSort s = SearchSort.valueOf(sort.name().toUpperCase(Locale.ROOT));
        var hub = CliEnvironment.hub();
        List<ModelSummary> hits = new ArrayList<>();
        SearchPage page = hub.search(new SearchQuery(query, s, Math.min(limit, 100)));
        hits.addAll(page.models());
        while (hits.size() < limit && page.hasNext()) {
            page = hub.next(page);
            hits.addAll(page.models());
        }
        if (hits.size() > limit) hits = hits.subList(0, limit);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode a = m.createArrayNode();
            for (ModelSummary h : hits) {
                a.addObject().put("id", h.id()).put("downloads", h.downloads()).put("likes", h.likes())
                        .put("gated", h.gated().gated()).put("lastModified", h.lastModified().map(Object::toString).orElse(null));
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(a));
        } else if (hits.isEmpty()) {
            out.println("No GGUF models match \"" + query + "\".");
        } else {
            out.printf("%-60s %12s %8s  %s%n", "MODEL", "DOWNLOADS", "LIKES", "UPDATED");
            for (ModelSummary h : hits) {
                out.printf("%-60s %12d %8d  %s%s%n", h.id(), h.downloads(), h.likes(),
                        h.lastModified().map(t -> t.toString().substring(0, 10)).orElse("-"), h.gated().gated() ? "  (gated)" : "");
            }
        }
        out.flush();
        return 0;
    }
}
