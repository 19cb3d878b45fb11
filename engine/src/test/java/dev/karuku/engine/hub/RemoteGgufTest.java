package dev.karuku.engine.hub;

import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteGgufTest {

    @TempDir
    Path dir;

    @Test
    void headerReadByGrowingRangesEqualsTheLocalFile() throws Exception {
        Path local = TestRepos.gguf(dir.resolve("big-vocab.gguf"), "Q4_K_M", 3, 256, 20_000);
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("org/Vocab-GGUF").addFile("Vocab-Q4_K_M.gguf", local);
            hub.acceptToken("hf_x");
            HubClient c = new HubClient(HubConfig.of(hub.endpoint(), "hf_x"), RetryPolicy.standard(d -> {}));
            RepoFile file = c.tree("org/Vocab-GGUF", "main").getFirst();
            GgufFile remote = new RemoteGguf(c, GgufReader::read, 4096, 1 << 20).header("org/Vocab-GGUF", "main", file);
            GgufFile expected = GgufReader.read(local);
            assertThat(remote.tensors()).isEqualTo(expected.tensors());
            assertThat(List.of(remote.version(), remote.alignment(), remote.dataOffset(), remote.headerBytes(), remote.fileSize()))
                    .isEqualTo(List.of(expected.version(), expected.alignment(), expected.dataOffset(), expected.headerBytes(), expected.fileSize()));
            assertThat(remote.metadata().asMap()).isEqualTo(expected.metadata().asMap());
            assertThat(remote.fileTypeLabel()).isEqualTo("Q4_K_M");
            long ranged = hub.requests().stream().filter(r -> r.cdn() && r.range() != null).count();
            assertThat(ranged).as("the window grew over several requests").isGreaterThan(2);
            assertThat(hub.cdnBytesServed()).as("only the header was fetched")
                    .isLessThan(expected.dataOffset() * 2 + 4096).isLessThan(java.nio.file.Files.size(local));
            assertThat(hub.tokenLeaks()).isZero();
        }
    }

    @Test
    void splitModelHeadersCombineEveryShardsTensors() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            TestRepos.addTinyRepo(hub, dir);
            HubClient c = new HubClient(HubConfig.of(hub.endpoint(), null), RetryPolicy.standard(d -> {}));
            String commit = c.modelInfo(TestRepos.TINY).sha().orElseThrow();
            GgufRepoFiles files = GgufRepoFiles.group(c.tree(TestRepos.TINY, commit));
            QuantChoice bf16 = files.find("BF16").orElseThrow();
            QuantHeaders h = new RemoteGguf(c).headers(TestRepos.TINY, commit, bf16);
            assertThat(h.shards()).hasSize(2);
            assertThat(h.tensors()).hasSize(12);
            assertThat(h.primary().metadata().integer("llama.block_count")).hasValue(12);
            assertThat(h.tensorBytes()).isEqualTo(12L * 32 * 32 * 4);
            assertThat(h.combined().tensors()).extracting(t -> t.name()).contains("blk.0.weight", "blk.11.weight");
            List<GgufFile> local = List.of(GgufReader.read(dir.resolve("bf16-1.gguf")), GgufReader.read(dir.resolve("bf16-2.gguf")));
            for (int i = 0; i < 2; i++) {
                assertThat(h.shards().get(i).tensors()).isEqualTo(local.get(i).tensors());
                assertThat(h.shards().get(i).metadata().asMap()).isEqualTo(local.get(i).metadata().asMap());
            }
        }
    }

    @Test
    void headerReadContinuesWhenTheConnectionDropsMidHeader() throws Exception {
        Path local = TestRepos.gguf(dir.resolve("vocab.gguf"), "Q4_K_M", 3, 256, 5_000);
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("org/Vocab-GGUF").addFile("Vocab-Q4_K_M.gguf", local);
            HubClient c = new HubClient(HubConfig.of(hub.endpoint(), null), RetryPolicy.standard(d -> {}));
            RepoFile file = c.tree("org/Vocab-GGUF", "main").getFirst();
            hub.faults().cutAfter(1000, 1); // the first read of the file loses its connection
            GgufFile remote = new RemoteGguf(c).header("org/Vocab-GGUF", "main", file);
            assertThat(remote.metadata().asMap()).isEqualTo(GgufReader.read(local).metadata().asMap());
            assertThat(hub.requests()).filteredOn(r -> r.cdn()).extracting(r -> r.range())
                    .as("continued from the byte the cut stopped at").anySatisfy(r -> assertThat(r).startsWith("bytes=1000-"));
        }
    }

    @Test
    void atMostFourHeadersAreReadAtOnceHoweverManyQuantsAPageShows() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            var repo = hub.addRepo("org/Many-GGUF");
            String[] labels = {"Q2_K", "Q3_K_S", "Q3_K_M", "Q4_0", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0"};
            for (String l : labels) repo.addFile("Many-" + l + ".gguf", TestRepos.gguf(dir.resolve(l + ".gguf"), l, 2, 32, 200));
            HubClient c = new HubClient(HubConfig.of(hub.endpoint(), null), RetryPolicy.standard(d -> {}));
            String commit = c.modelInfo("org/Many-GGUF").sha().orElseThrow();
            GgufRepoFiles files = GgufRepoFiles.group(c.tree("org/Many-GGUF", commit));
            hub.faults().cdnBytesPerSecond(20_000); // each header read takes a while, so reads overlap
            RemoteGguf remote = new RemoteGguf(c);
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<QuantHeaders>> all = new java.util.ArrayList<>();
                for (QuantChoice q : files.models()) all.add(pool.submit(() -> remote.headers("org/Many-GGUF", commit, q)));
                for (var f : all) assertThat(f.get().shards()).hasSize(1);
            }
            assertThat(files.models()).hasSize(labels.length);
            assertThat(hub.maxConcurrentCdnRequests()).isBetween(2, RemoteGguf.MAX_CONCURRENT_READS);
        }
    }
}
