package dev.karuku.cli;

import dev.karuku.engine.hub.fake.FakeFile;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.RequestLog;
import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// `karuku pull` (the real launcher, `cli/target/karuku`) killed with SIGKILL mid-download: the next `pull` of
/// the same quant asks the Hub only for the bytes that are missing, and the file it installs verifies.
class PullResumeIT {

    static final String REPO = "karuku-test/Resume-GGUF";

    @TempDir
    Path dir;

    ProcessBuilder karuku(FakeHub hub, Path err, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of("target", "karuku").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        var env = pb.environment();
        for (String k : List.of("KARUKU_DEBUG", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                "http_proxy", "https_proxy", "all_proxy")) env.remove(k);
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("HF_HOME", dir.resolve("hf").toString());
        env.put("KARUKU_HOME", dir.resolve("home").toString());
        return pb.redirectOutput(dir.resolve("out-" + System.nanoTime() + ".txt").toFile()).redirectError(err.toFile());
    }

    static long partBytes(Path staging) throws IOException {
        if (!Files.isDirectory(staging)) return 0;
        try (Stream<Path> s = Files.walk(staging)) {
            long sum = 0;
            for (Path p : s.filter(p -> p.toString().endsWith(".part")).toList()) sum += Files.size(p);
            return sum;
        }
    }

    @Test
    void pullKilledWithSigkillFetchesOnlyTheMissingBytesOnTheNextRun() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo(REPO).addFile("Resume-Q4_K_M.gguf", TestRepos.gguf(dir.resolve("src/resume.gguf"), "Q4_K_M", 8, 256, 64));
            FakeFile f = hub.repo(REPO).file("Resume-Q4_K_M.gguf");
            Path staging = dir.resolve("home/models/.downloading");
            hub.faults().cdnBytesPerSecond(300_000);

            Process first = karuku(hub, dir.resolve("err1.txt"), "pull", REPO).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (partBytes(staging) < 400_000) {
                assertThat(first.isAlive()).as("pull ended before it could be killed: " + Files.readString(dir.resolve("err1.txt"))).isTrue();
                assertThat(System.nanoTime()).as("no bytes arrived").isLessThan(deadline);
                Thread.sleep(20);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to save anything
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            long kept = partBytes(staging);
            assertThat(kept).isBetween(400_000L, f.size() - 1);
            int seen = hub.requests().size();
            hub.faults().cdnBytesPerSecond(0);

            Path err2 = dir.resolve("err2.txt");
            Process second = karuku(hub, err2, "pull", REPO).start();
            assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(second.exitValue()).as(Files.readString(err2)).isZero();

            List<RequestLog> cdn = hub.requests().subList(seen, hub.requests().size()).stream().filter(RequestLog::cdn).toList();
            assertThat(cdn).as("the second pull asked only for the missing bytes").singleElement()
                    .satisfies(r -> assertThat(r.range()).isEqualTo("bytes=" + kept + "-"));
            Path installed = dir.resolve("home/models").resolve(REPO).resolve("Resume-Q4_K_M.gguf");
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(installed))))
                    .isEqualTo(f.sha256());
            assertThat(partBytes(staging)).isZero();
            assertThat(Files.readString(err2, StandardCharsets.UTF_8)).as("stderr is a file: no carriage returns")
                    .doesNotContain("\r").contains("verified");
        }
    }
}
