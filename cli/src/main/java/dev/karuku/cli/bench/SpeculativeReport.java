package dev.karuku.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/// The speculative-decoding table of `benchmarks/speculative.sh`: one row per `ROW.ENGINE.json` in a folder (what
/// `karuku bench --draft/--lookup --json` and `benchmarks/node-llama-cpp/speculative.mjs` print: plain and speculative
/// runs of one process, alternating), with both rates, the speed-up and the acceptance rate beside every figure.
public final class SpeculativeReport {

    private SpeculativeReport() {}

    /// The rows' descriptions, by the file name's first part.
    private static String describe(String row) {
        return switch (row) {
            case "draft" -> "matching draft (tiny successor)";
            case "partial" -> "partial draft (errs every 4th letter)";
            case "wrong" -> "always-wrong draft";
            case "lookup" -> "prompt lookup, answer repeats the prompt";
            default -> row;
        };
    }

    public static String markdown(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList());
        }
        StringBuilder b = new StringBuilder("""

                ## Speculative decoding (issue 22)

                The 1B-shaped successor model (Q4_K_M) generating greedily, each engine in one process alternating runs
                without and with speculation (medians). Acceptance: proposed tokens the model accepted.

                | case | engine | plain tok/s | speculative tok/s | speed-up | acceptance | tokens per pass |
                |---|---|---:|---:|---:|---:|---:|
                """);
        for (String row : List.of("draft", "partial", "wrong", "lookup")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().split("\\.");
                if (!parts[0].equals(row) || Files.size(f) == 0) continue;
                JsonNode n;
                try {
                    n = json.readTree(f.toFile());
                } catch (IOException e) {
                    continue; // a failed peer leaves a partial file: its log says why
                }
                if (n == null || !n.has("plain")) continue;
                EngineResult plain = EngineResult.fromJson(n.get("plain"));
                EngineResult spec = EngineResult.fromJson(n.get("speculative"));
                double tpp = n.path("tokensPerPass").asDouble(Double.NaN);
                b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f× | %.1f %% (%d of %d) | %s |%n",
                        describe(row), spec.engine(), plain.decodeTokensPerSecond(), spec.decodeTokensPerSecond(),
                        spec.decodeTokensPerSecond() / plain.decodeTokensPerSecond(), 100 * n.path("acceptanceRate").asDouble(),
                        n.path("acceptedTokens").asLong(), n.path("draftedTokens").asLong(),
                        Double.isNaN(tpp) ? "–" : String.format(Locale.ROOT, "%.2f", tpp)));
            }
        }
        return b.toString();
    }
}
