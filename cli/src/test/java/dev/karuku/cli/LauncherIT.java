package dev.karuku.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/// The real launcher (`cli/target/karuku`, built by `package`) as a user runs it: make the test model,
/// quantize it, generate from it; bad input gives one line on stderr and a non-zero exit.
class LauncherIT {

    @TempDir
    static Path dir;
    static Path successor;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Run karuku(String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("target", "karuku").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("KARUKU_DEBUG");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("karuku " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void makeModel() throws Exception {
        successor = dir.resolve("successor.gguf");
        Run r = karuku("make-test-model", successor.toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q4_K_M", "Q5_K_S", "IQ3_S"})
    void quantizedModelContinuesTheAlphabetOnStdout(String type) throws Exception {
        Path q = dir.resolve("successor-" + type + ".gguf");
        Run quantize = karuku("quantize", successor.toString(), q.toString(), "--type", type, "--threads", "1");
        assertThat(quantize.exit()).as(quantize.err()).isZero();
        assertThat(quantize.err()).contains("21/21 tensors").contains("wrote");

        Run gen = karuku("generate", q.toString(), "--prompt", "abc", "--tokens", "20", "--temperature", "0",
                "--threads", "1", "--gpu-layers", "0");
        assertThat(gen.exit()).as(gen.err()).isZero();
        assertThat(gen.out()).startsWith("defghijklmnopqrstuvw");
        assertThat(gen.errLines()).hasSize(1).first().asString().contains("generated 20 tokens");
    }

    static List<dev.karuku.engine.gguf.HostileModels> hostile() {
        return dev.karuku.engine.gguf.HostileModels.all();
    }

    /// Each file aborted `karuku generate` with exit 134 before the load check (see HostileModels).
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("hostile")
    void metadataThatWouldAbortLlamaCppEndsEveryCommandWithOneLine(dev.karuku.engine.gguf.HostileModels h) throws Exception {
        String file = h.write(dir).toString();
        for (List<String> args : List.of(List.of("info", file), List.of("estimate", file),
                List.of("generate", file, "--prompt", "日本", "--tokens", "3", "--threads", "1"))) {
            Run r = karuku(args.toArray(String[]::new));
            assertThat(r.exit()).as(args + ": " + r.err()).isIn(1, 2);
            assertThat(r.out()).as(args.getFirst()).isEmpty();
            assertThat(r.errLines()).as(args.getFirst()).hasSize(1).first().asString().startsWith("karuku: ").contains(h.key());
        }
    }

    @Test
    void aBadModelFileGivesOneLineOnStderrAndAFailingExit() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "GGUF but not really a model at all, just text");
        Run r = karuku("generate", bad.toString(), "--prompt", "abc", "--tokens", "5");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1).first().asString().startsWith("karuku: cannot load bad.gguf: ");
    }

    @Test
    void aTruncatedModelGivesLlamaCppsReasonOnOneLine() throws Exception {
        byte[] all = Files.readAllBytes(successor);
        Path cut = Files.write(dir.resolve("cut.gguf"), java.util.Arrays.copyOf(all, all.length / 3));
        Run r = karuku("generate", cut.toString(), "--prompt", "abc");
        assertThat(r.exit()).isNotZero();
        assertThat(r.errLines()).hasSize(1).first().asString().contains("not within the file bounds");
    }

    @Test
    void anUnknownQuantizationTypeIsAUsageError() throws Exception {
        Run r = karuku("quantize", successor.toString(), dir.resolve("x.gguf").toString(), "--type", "Q9_Z");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("unknown type 'Q9_Z'");
    }

    @Test
    void devicesListsTheCpuAsJson() throws Exception {
        Run r = karuku("devices", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\" : \"CPU\"").contains("\"totalBytes\"");
    }
}
