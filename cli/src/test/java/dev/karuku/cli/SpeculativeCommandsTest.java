package dev.karuku.cli;

import static dev.karuku.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `--draft`, `--draft-max` and `--lookup` as a user gives them: the same text, the speculative numbers, and one-line
/// errors for a draft that cannot draft.
class SpeculativeCommandsTest {

    @TempDir
    Path dir;

    @Test
    void generateWithADraftOrLookupPrintsTheSameTextAndSaysWhatWasAccepted() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path draft = TestModels.successor(dir.resolve("d.gguf"), GgmlType.F32, ModelShape.successor(), 5);
        String[] common = {"generate", model.toString(), "--prompt", "abcdefghijklmnopqrstuvwxyzabc", "--tokens", "40",
                "--temperature", "0", "--threads", "1", "--ctx", "256", "--gpu-layers", "0"};
        CliRun.Result plain = run(common);
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out().strip()).startsWith("defghijklmnop");
        CliRun.Result lookup = run(concat(common, "--lookup", "--draft-max", "8"));
        assertThat(lookup.code()).as(lookup.err()).isZero();
        assertThat(lookup.out()).isEqualTo(plain.out());
        assertThat(lookup.err()).contains("proposed tokens accepted");
        CliRun.Result drafted = run(concat(common, "--draft", draft.toString()));
        assertThat(drafted.code()).as(drafted.err()).isZero();
        assertThat(drafted.out()).isEqualTo(plain.out());
    }

    @Test
    void aDraftWithAnotherVocabularyIsOneLineAndANonZeroExit() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        Path foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F32);
        CliRun.Result r = run("generate", model.toString(), "--prompt", "abc", "--tokens", "4", "--threads", "1",
                "--ctx", "256", "--gpu-layers", "0", "--draft", foreign.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).contains("foreign.gguf").contains("must share the model's vocabulary").doesNotContain("\n");

        CliRun.Result missing = run("generate", model.toString(), "--prompt", "abc", "--draft", dir.resolve("none.gguf").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("karuku: no draft model at");
    }

    @Test
    void benchReportsBothRatesTheSpeedUpAndTheAcceptance() throws Exception {
        Path model = TestModels.successor(dir.resolve("s.gguf"));
        CliRun.Result r = run("bench", model.toString(), "--lookup", "--prompt-text", "abcdefghijklmnopqrstuvwxyzabc",
                "--tokens", "24", "--runs", "2", "--warmup", "1", "--threads", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("plain").get("samples")).hasSize(2);
        assertThat(j.get("speculative").get("samples")).hasSize(2);
        assertThat(j.get("speculative").get("engine").asText()).isEqualTo("karuku speculative");
        assertThat(j.get("speedUp").asDouble()).isPositive();
        assertThat(j.get("lookup").asBoolean()).isTrue();
        assertThat(r.err()).contains("run 2 speculative").contains("run 2 plain");

        CliRun.Result human = run("bench", model.toString(), "--lookup", "--tokens", "8", "--runs", "1", "--warmup", "0",
                "--threads", "1");
        assertThat(human.out()).contains("plain").contains("speculative").contains("accepted").contains("tokens per pass");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
