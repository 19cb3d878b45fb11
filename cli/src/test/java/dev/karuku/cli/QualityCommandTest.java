package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku quality` as a user runs it: the JSON keys the issue names, on the user's own text.
class QualityCommandTest {

    @TempDir
    Path dir;

    private static synchronized String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void jsonReportsPerplexityKlDivergenceAndAgreementOnTheUsersText() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path text = Files.writeString(dir.resolve("mine.txt"), "the quick brown fox jumps over the lazy dog. ".repeat(40));
        String[] r = run("quality", model.toString(), "--reference", model.toString(), "--text", text.toString(),
                "--ctx", "64", "--chunks", "2", "--threads", "1", "--json");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertThat(j.get("perplexity").asDouble()).isEqualTo(j.get("referencePerplexity").asDouble()).isGreaterThan(1);
        assertThat(j.at("/kld/mean").asDouble()).isZero();
        assertThat(j.at("/kld/p99").isNumber()).isTrue();
        assertThat(j.get("top1Agreement").asDouble()).isEqualTo(1.0);
        assertThat(j.get("tokens").asInt()).isEqualTo(2 * (64 - 1 - 32));
    }

    @Test
    void aTooShortTextIsAUsageErrorOnOneLine() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path text = Files.writeString(dir.resolve("short.txt"), "abc");
        String[] r = run("quality", model.toString(), "--reference", model.toString(), "--text", text.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2].strip().lines()).hasSize(1).first().asString().contains("fewer than one chunk of 512");
    }
}
