package dev.karuku.engine.download;

import dev.karuku.engine.hub.GgufRepoFiles;
import dev.karuku.engine.hub.HubClient;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.RetryPolicy;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// Loopback download throughput (a benchmark, not part of the default test run):
/// `./mvnw -B test -pl engine -Dtest=DownloadThroughputBench -Dkaruku.bench.mib=256`.
class DownloadThroughputBench {

    @TempDir
    Path tmp;

    @Test
    void loopbackThroughput() throws Exception {
        long mib = Long.getLong("karuku.bench.mib", 256);
        Path src = dev.karuku.engine.hub.fake.TestRepos.gguf(tmp.resolve("big.gguf"), "Q4_K_M", (int) (mib / 64), 4096, 0);
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("bench/Big-GGUF").addFile("Big-Q4_K_M.gguf", src);
            HubClient client = new HubClient(HubConfig.of(hub.endpoint(), null), RetryPolicy.standard(d -> {}));
            for (int connections : new int[]{1, 4}) {
                KarukuPaths paths = new KarukuPaths(tmp.resolve("d" + connections), tmp.resolve("d" + connections + "/models"));
                DownloadOptions o = DownloadOptions.defaults().withSegments(connections == 1 ? Long.MAX_VALUE : 64L << 20, connections);
                try (DownloadManager m = new DownloadManager(client, new ModelLibrary(paths), o)) {
                    var choice = GgufRepoFiles.group(client.tree("bench/Big-GGUF", "main")).find("Q4_K_M").orElseThrow();
                    long t0 = System.nanoTime();
                    DownloadJob j = m.await(m.enqueue("bench/Big-GGUF", hub.repo("bench/Big-GGUF").sha(), choice).id());
                    double s = (System.nanoTime() - t0) / 1e9;
                    assertThat(j.state()).isEqualTo(DownloadJob.State.DONE);
                    System.out.printf("BENCH %d MiB, %d connection(s): %.2f s, %.0f MiB/s (download + SHA-256 + install)%n",
                            mib, connections, s, mib / s);
                    new ModelLibrary(paths).remove(j.modelId());
                }
            }
        }
    }
}
