package dev.karuku.engine.hub;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GgufRepoFilesTest {

    static RepoFile f(String path, long size) {
        return new RepoFile(path, size, Optional.of("a".repeat(64)), Optional.empty());
    }

    @Test
    void labelsAreReadFromTheLastMatchInAnySpelling() {
        assertThat(QuantLabels.parse("gemma-3-1b-it-Q4_K_M.gguf")).contains("Q4_K_M");
        assertThat(QuantLabels.parse("llama-2-7b-chat.q5_k_s.gguf")).contains("Q5_K_S");
        assertThat(QuantLabels.parse("Model-IQ3_S.gguf")).contains("IQ3_S");
        assertThat(QuantLabels.parse("model-iq3_xxs.gguf")).contains("IQ3_XXS");
        assertThat(QuantLabels.parse("qwen2.5-7b-instruct-q5_k_m-00001-of-00002.gguf")).contains("Q5_K_M");
        assertThat(QuantLabels.parse("Qwen3-30B-A3B-UD-Q4_K_XL.gguf")).contains("UD-Q4_K_XL");
        assertThat(QuantLabels.parse("gemma-3-1b-it-f16.gguf")).contains("F16");
        assertThat(QuantLabels.parse("model-BF16.gguf")).contains("BF16");
        assertThat(QuantLabels.parse("mix-55IQ2_XXS-34Q2_K.gguf")).contains("Q2_K");
        assertThat(QuantLabels.parse("Q8_0/Big-Model-00001-of-00002.gguf")).contains("Q8_0");
        assertThat(QuantLabels.parse("model.gguf")).isEmpty();
    }

    @Test
    void splitFilesCollapseSideFilesStayApartAndModelsSortBySize() {
        GgufRepoFiles g = GgufRepoFiles.group(List.of(
                f(".gitattributes", 10), f("README.md", 100),
                f("Big-Q4_K_M.gguf", 400), f("big-q5_k_s.gguf", 500), f("Big-IQ3_S.gguf", 300),
                f("Q8_0/Big-Q8_0-00002-of-00002.gguf", 350), f("Q8_0/Big-Q8_0-00001-of-00002.gguf", 450),
                f("mmproj-Big-F16.gguf", 60), f("mmproj-Big-Q8_0.gguf", 30), f("imatrix.gguf", 5),
                f("mtp-Big-Q4_K_M.gguf", 40), f("Q6_K/Big-Q6_K-00001-of-00003.gguf", 10)));
        assertThat(g.models()).extracting(QuantChoice::label).containsExactly("IQ3_S", "Q4_K_M", "Q5_K_S", "Q8_0");
        QuantChoice q8 = g.find("q8_0").orElseThrow();
        assertThat(q8.split()).isTrue();
        assertThat(q8.totalBytes()).isEqualTo(800);
        assertThat(q8.paths()).containsExactly("Q8_0/Big-Q8_0-00001-of-00002.gguf", "Q8_0/Big-Q8_0-00002-of-00002.gguf");
        assertThat(g.projectors()).extracting(QuantChoice::label).containsExactly("Q8_0", "F16");
        assertThat(g.others()).extracting(QuantChoice::kind).containsExactlyInAnyOrder(QuantChoice.Kind.IMATRIX,
                QuantChoice.Kind.AUXILIARY, QuantChoice.Kind.AUXILIARY);
        assertThat(g.defaultChoice()).map(QuantChoice::label).contains("Q4_K_M");
        assertThat(g.projectorFor(q8)).map(QuantChoice::label).contains("Q8_0");
    }

    @Test
    void defaultFallsBackToQ8ThenToTheFirst() {
        assertThat(GgufRepoFiles.group(List.of(f("a-Q8_0.gguf", 8), f("a-Q2_K.gguf", 2))).defaultChoice())
                .map(QuantChoice::label).contains("Q8_0");
        assertThat(GgufRepoFiles.group(List.of(f("a-Q6_K.gguf", 6), f("a-Q2_K.gguf", 2))).defaultChoice())
                .map(QuantChoice::label).contains("Q2_K");
        assertThat(GgufRepoFiles.group(List.of(f("a-UD-Q4_K_XL.gguf", 6))).find("Q4_K_XL")).isPresent();
    }
}
