package dev.karuku.engine.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.hub.RepoFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadQueueTest {
    @TempDir Path dir;

    static DownloadJob job(String id, DownloadJob.State state) {
        return new DownloadJob(id, "org/X-GGUF", "abc", "Q4_K_M", List.of(new RepoFile("X-Q4_K_M.gguf", 10, Optional.empty(), Optional.empty())),
                state, 0, 10, null, null, null);
    }

    @Test
    void theQueueIsOwnerOnly() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        DownloadQueue.save(dir.resolve("downloads.json"), List.of(job("a", DownloadJob.State.QUEUED)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("downloads.json")))).isEqualTo("rw-------");
    }

    @Test
    void aJobOfANewerVersionIsSkippedTheOthersKeptAndTheFileKeptAside() throws Exception {
        Path file = dir.resolve("downloads.json");
        DownloadQueue.save(file, List.of(job("a", DownloadJob.State.QUEUED), job("b", DownloadJob.State.PAUSED)));
        String newer = Files.readString(file).replace("\"state\" : \"QUEUED\"", "\"state\" : \"SEEDING\"");
        Files.writeString(file, newer);

        assertThat(DownloadQueue.load(file)).extracting(DownloadJob::id).containsExactly("b");
        assertThat(dir.resolve("downloads.json.broken")).hasContent(newer);
    }

    @Test
    void aTornQueueIsKeptAsideBeforeItIsReplaced() throws Exception {
        Path file = dir.resolve("downloads.json");
        DownloadQueue.save(file, List.of(job("a", DownloadJob.State.QUEUED)));
        String torn = Files.readString(file).substring(0, 40);
        Files.writeString(file, torn);

        assertThat(DownloadQueue.load(file)).isEmpty();
        DownloadQueue.save(file, List.of());
        assertThat(dir.resolve("downloads.json.broken")).hasContent(torn);
    }
}
