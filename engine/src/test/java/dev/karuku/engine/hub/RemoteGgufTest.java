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
}
