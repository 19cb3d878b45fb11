package dev.karuku.cli;

import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `search`, `files`, `pull`, `list`, `rm` end to end against the fake Hub (HF_ENDPOINT via `karuku.env.*`).
class HubCommandsTest {

    @TempDir
    Path tmp;
    FakeHub hub;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut;
    PrintStream oldErr;

    @BeforeEach
    void start() {
        hub = FakeHub.start();
        TestRepos.addTinyRepo(hub, tmp.resolve("src"));
        hub.addRepo("someone/Other-GGUF").downloads(3).addFile("other-Q8_0.gguf", TestRepos.gguf(tmp.resolve("src/o.gguf"), "Q8_0", 2, 32, 0));
        System.setProperty("karuku.env.HF_ENDPOINT", hub.endpoint());
        System.setProperty("karuku.env.HF_TOKEN", "");
        System.setProperty("karuku.env.HF_HOME", tmp.resolve("hf").toString());
        System.setProperty("karuku.env.KARUKU_HOME", tmp.resolve("home").toString());
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        for (String k : new String[]{"HF_ENDPOINT", "HF_TOKEN", "HF_HOME", "KARUKU_HOME"}) System.clearProperty("karuku.env." + k);
        hub.close();
    }

    String run(int expectedExit, String... args) {
        out.reset();
        err.reset();
        int code = Main.run(args);
        assertThat(code).as(String.join(" ", args) + "\nstderr: " + err).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void searchListsGgufReposMostDownloadedFirst() {
        String text = run(0, "search", "GGUF", "--limit", "5");
        assertThat(text).contains(TestRepos.TINY).contains("someone/Other-GGUF");
        assertThat(text.indexOf(TestRepos.TINY)).isLessThan(text.indexOf("someone/Other-GGUF"));
        assertThat(run(0, "search", "Tiny", "--json")).contains("\"id\" : \"" + TestRepos.TINY + "\"");
    }

    @Test
    void filesShowsEachQuantWithItsSizeAndTheDefault() {
        String text = run(0, "files", TestRepos.TINY);
        assertThat(text).contains("Q4_K_M").contains("Q5_K_S").contains("IQ3_S").contains("(default)")
                .contains("2 parts").contains("mmproj F16").doesNotContain("imatrix");
        assertThat(run(0, "files", TestRepos.TINY, "--json")).contains("\"label\" : \"BF16\"").contains("\"kind\" : \"PROJECTOR\"");
    }

    @Test
    void filesEstimatesEachQuantFromItsRemoteHeaderBeforeDownloading() {
        String text = run(0, "files", TestRepos.TINY, "--ctx", "2048");
        assertThat(text).contains("Estimates at context 2048").contains("(recommended)");
        assertThat(text.lines().filter(l -> l.startsWith("Q4_K_M")).findFirst().orElseThrow())
                .containsAnyOf("fits on GPU", "partly on GPU", "CPU only", "does not fit");
        String json = run(0, "files", TestRepos.TINY, "--json");
        assertThat(json).contains("\"verdict\"").contains("\"ramBytes\"").contains("\"recommended\" : true");
        assertThat(run(0, "files", TestRepos.TINY, "--no-estimate")).doesNotContain("Estimates at context");
    }

    @Test
    void pullListAndRemoveAModel() throws Exception {
        String pulled = run(0, "pull", TestRepos.TINY + ":q5_k_s");
        assertThat(pulled).contains("Installed " + TestRepos.TINY + ":Q5_K_S");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Downloading").contains("100.0%");
        Path file = tmp.resolve("home/models").resolve(TestRepos.TINY).resolve("Tiny-Chat-Q5_K_S.gguf");
        assertThat(file).exists();

        assertThat(run(0, "pull", TestRepos.TINY)).contains(":Q4_K_M");
        String list = run(0, "list");
        assertThat(list).contains(TestRepos.TINY + ":Q5_K_S").contains(TestRepos.TINY + ":Q4_K_M").contains("llama");
        assertThat(run(0, "list", "--json")).contains("\"fileType\" : \"Q5_K_S\"");

        assertThat(run(0, "rm", "Tiny-Chat-GGUF:Q5_K_S")).contains("deleted its files");
        assertThat(file).doesNotExist();
        assertThat(run(0, "list")).doesNotContain("Q5_K_S").contains("Q4_K_M");
    }

    @Test
    void pullListAndRemoveUseTheModelsFolderChosenInSettings() throws Exception {
        Path chosen = tmp.resolve("big disk/models");
        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/settings.json"), "{\"modelsDir\":\"" + chosen.toString().replace("\\", "\\\\") + "\"}");
        run(0, "pull", TestRepos.TINY + ":q5_k_s");
        Path file = chosen.resolve(TestRepos.TINY).resolve("Tiny-Chat-Q5_K_S.gguf");
        assertThat(file).exists();
        assertThat(tmp.resolve("home/models")).doesNotExist();

        run(1, "rm", "");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no installed model");
        assertThat(file).exists();
        assertThat(run(0, "rm", "Tiny-Chat-GGUF:Q5_K_S")).contains("deleted its files");
        assertThat(file).doesNotExist();
    }

    @Test
    void listSaysOnceWhatItCouldNotReadAndShowsTheRest() throws Exception {
        run(0, "pull", TestRepos.TINY + ":q5_k_s");
        Path index = tmp.resolve("home/models.json");
        Files.writeString(index, Files.readString(index).replace("\"models\" : [", "\"models\" : [ {\"id\":\"x\",\"origin\":\"LATER\"},"));
        assertThat(run(0, "list")).contains(TestRepos.TINY + ":Q5_K_S");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 entry(ies) of models.json could not be read");
    }

    @Test
    void aFailureIsLoggedWithItsStackTraceInTheDataFolderAndTheTokenNever() throws Exception {
        System.setProperty("karuku.env.HF_TOKEN", "private-token-42");
        out.reset();
        err.reset();
        assertThat(Main.runLogged("rm", "private-token-42 hf_abcdefghijk123")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("karuku: no installed model").doesNotContain("\tat ");

        Path log = tmp.resolve("home/logs/karuku.log");
        String text = Files.readString(log);
        assertThat(text).contains("SEVERE dev.karuku.cli: karuku rm failed").contains("LibraryException: no installed model")
                .contains("\tat dev.karuku.engine.library.ModelLibrary").doesNotContain("private-token-42").doesNotContain("hf_abcdefghijk123");
        if (log.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        }
        assertThat(dev.karuku.engine.logging.LogFile.current()).isNull(); // the command is done with it
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit() {
        run(1, "pull", "nobody/missing-GGUF");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("karuku: This model does not exist on the Hub").doesNotContain("Exception");
        run(2, "pull", TestRepos.TINY + ":Q3_K_L");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no Q3_K_L file");
        run(1, "rm", "nothing-here");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no installed model");
        hub.repo(TestRepos.TINY).gated("manual");
        run(1, "pull", TestRepos.TINY);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("karuku:")).findFirst().orElse(""))
                .contains("This model is gated: accept its licence on the Hub and add your token");
    }

    @Test
    void pullWritesPlainProgressLinesWhenStderrIsNotATerminal() {
        // surefire's stderr is a pipe or a file, as in `karuku pull … 2>log`
        run(0, "pull", TestRepos.TINY + ":Q8_0");
        String progress = err.toString(StandardCharsets.UTF_8);
        assertThat(progress).doesNotContain("\r").contains("100.0%").contains("verified");
        assertThat(progress.lines().filter(l -> l.contains("%"))).allMatch(l -> l.matches("\\s*\\d+\\.\\d%.*"));
    }

    @Test
    void filesEstimatesEveryQuantWhenAConnectionDropsWhileAHeaderIsRead() {
        hub.faults().cutAfter(100, 1);
        String json = run(0, "files", TestRepos.TINY, "--json");
        assertThat(json.split("\"verdict\"", -1)).hasSize(6); // Q4_K_M, Q5_K_S, IQ3_S, Q8_0, BF16: one estimate each
    }

    @Test
    void searchGoesThroughTheProxyNamedByHttpProxy() {
        try (var proxy = new dev.karuku.engine.hub.LoopbackProxy()) {
            System.setProperty("karuku.env.HTTP_PROXY", proxy.url());
            try {
                assertThat(run(0, "search", "Tiny", "--json")).contains("\"id\" : \"" + TestRepos.TINY + "\"");
            } finally {
                System.clearProperty("karuku.env.HTTP_PROXY");
            }
            assertThat(proxy.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET " + hub.endpoint() + "/api/models"));
        }
    }
}
