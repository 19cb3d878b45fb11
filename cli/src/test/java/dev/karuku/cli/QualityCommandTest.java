package dev.karuku.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `karuku quality` as a user runs it: the JSON keys the issue names, on the user's own text.
class QualityCommandTest {

    @TempDir
    Path dir;

    @Test
    void jsonReportsPerplexityKlDivergenceAndAgreementOnTheUsersText() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path text = Files.writeString(dir.resolve("mine.txt"), "the quick brown fox jumps over the lazy dog. ".repeat(40));
        CliRun.Result r = CliRun.run("quality", model.toString(), "--reference", model.toString(), "--text", text.toString(),
                "--ctx", "64", "--chunks", "2", "--threads", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
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
        CliRun.Result r = CliRun.run("quality", model.toString(), "--reference", model.toString(), "--text", text.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1).first().asString().contains("fewer than one chunk of 512");
    }
}
