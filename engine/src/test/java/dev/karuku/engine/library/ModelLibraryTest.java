package dev.karuku.engine.library;

import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelLibraryTest {

    @TempDir
    Path tmp;

    ModelLibrary library() {
        return new ModelLibrary(new KarukuPaths(tmp.resolve("data"), tmp.resolve("data/models")));
    }

    @Test
    void dataFolderFollowsKarukuHomeThenTheOsConvention() {
        Path home = Path.of("/home/u");
        assertThat(KarukuPaths.fromEnvironment(Map.of("KARUKU_HOME", "/x/k"), home, "Linux").dataDir()).isEqualTo(Path.of("/x/k"));
        assertThat(KarukuPaths.fromEnvironment(Map.of(), home, "Linux").dataDir()).isEqualTo(Path.of("/home/u/.local/share/karuku"));
        assertThat(KarukuPaths.fromEnvironment(Map.of("XDG_DATA_HOME", "/d"), home, "Linux").modelsDir()).isEqualTo(Path.of("/d/karuku/models"));
        assertThat(KarukuPaths.fromEnvironment(Map.of(), home, "Mac OS X").dataDir()).isEqualTo(home.resolve("Library/Application Support/Karuku"));
        assertThat(KarukuPaths.fromEnvironment(Map.of("LOCALAPPDATA", "/w/AppData/Local"), home, "Windows 11").dataDir())
                .isEqualTo(Path.of("/w/AppData/Local").resolve("Karuku"));
        assertThat(KarukuPaths.fromEnvironment(Map.of(), home, "Linux").withModelsDir(Path.of("/big/models")).modelsDir())
                .isEqualTo(Path.of("/big/models"));
    }

    @Test
    void importedCopyIsCheckedListedAndDeletedButTheOriginalStays() throws Exception {
        Path original = TestRepos.gguf(tmp.resolve("elsewhere/My-Model-Q8_0.gguf"), "Q8_0", 3, 32, 50);
        ModelLibrary lib = library();
        InstalledModel m = lib.importFile(original, ModelLibrary.ImportMode.COPY);
        assertThat(m.origin()).isEqualTo(InstalledModel.Origin.IMPORTED);
        assertThat(m.primaryFile()).startsWith(tmp.resolve("data/models")).exists();
        assertThat(m.facts().fileType()).isEqualTo("Q8_0");
        assertThat(m.facts().architecture()).isEqualTo("llama");
        assertThat(m.facts().contextLength()).isEqualTo(4096);
        assertThat(m.facts().parameters()).isEqualTo(3L * 32 * 32);
        assertThat(library().list()).singleElement().satisfies(x -> assertThat(x.id()).isEqualTo(m.id()));
        lib.remove(m.id());
        assertThat(m.primaryFile()).doesNotExist();
        assertThat(original).exists();
        assertThat(lib.list()).isEmpty();
    }

    @Test
    void inPlaceModelIsOnlyForgottenNeverDeleted() throws Exception {
        Path original = TestRepos.gguf(tmp.resolve("mine/keep-Q4_K_M.gguf"), "Q4_K_M", 2, 32, 0);
        ModelLibrary lib = library();
        InstalledModel m = lib.importFile(original, ModelLibrary.ImportMode.IN_PLACE);
        assertThat(m.primaryFile()).isEqualTo(original.toAbsolutePath());
        lib.remove("keep-Q4_K_M");
        assertThat(original).exists();
        assertThat(lib.list()).isEmpty();
    }

    @Test
    void aFileThatIsNotGgufIsRefusedWithTheReadersReason() throws Exception {
        Path bad = tmp.resolve("notes.gguf");
        Files.writeString(bad, "this is not a model");
        assertThatThrownBy(() -> library().importFile(bad, ModelLibrary.ImportMode.COPY))
                .isInstanceOfSatisfying(LibraryException.class, e -> {
                    assertThat(e.messageKey()).isEqualTo("library.error.notGguf");
                    assertThat(e.getMessage()).startsWith("notes.gguf is not a usable GGUF model: ");
                });
        assertThat(library().list()).isEmpty();
        assertThat(tmp.resolve("data/models/local/notes.gguf")).doesNotExist();
    }

    @Test
    void modelsOfOtherAppsAreFoundReadOnly() throws Exception {
        Path home = tmp.resolve("home");
        Path snap = home.resolve(".cache/huggingface/hub/models--org--Small-GGUF/snapshots/abc123");
        Path blob = TestRepos.gguf(home.resolve(".cache/huggingface/hub/models--org--Small-GGUF/blobs/deadbeef"), "Q4_K_M", 2, 32, 0);
        Files.createDirectories(snap);
        Files.createSymbolicLink(snap.resolve("Small-Q4_K_M.gguf"), snap.relativize(blob));
        TestRepos.gguf(snap.resolve("mmproj-Small-F16.gguf"), "F16", 1, 32, 0);
        TestRepos.gguf(home.resolve(".lmstudio/models/pub/Repo-GGUF/Repo-IQ3_S.gguf"), "IQ3_S", 2, 32, 0);
        String digest = "a".repeat(64);
        TestRepos.gguf(home.resolve(".ollama/models/blobs/sha256-" + digest), "Q4_0", 2, 32, 0);
        Path manifest = home.resolve(".ollama/models/manifests/registry.ollama.ai/library/llama3.2/1b");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, """
                {"schemaVersion":2,"layers":[
                 {"mediaType":"application/vnd.ollama.image.template","digest":"sha256:%s","size":10},
                 {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:%s","size":100}]}
                """.formatted("b".repeat(64), digest));

        var found = new OtherAppsModels(Map.of(), home).scan();
        assertThat(found).extracting(FoundModel::name)
                .containsExactlyInAnyOrder("org/Small-GGUF/Small-Q4_K_M.gguf", "pub/Repo-GGUF/Repo-IQ3_S.gguf", "llama3.2:1b");

        ModelLibrary lib = library();
        for (FoundModel f : found) lib.addFound(f);
        InstalledModel ollama = lib.find("ollama:llama3.2:1b").orElseThrow();
        assertThat(ollama.origin()).isEqualTo(InstalledModel.Origin.FOUND);
        assertThat(ollama.facts().fileType()).isEqualTo("Q4_0");
        lib.remove(ollama.id());
        assertThat(home.resolve(".ollama/models/blobs/sha256-" + digest)).exists();
        assertThat(lib.find("hf:org/Small-GGUF/Small-Q4_K_M.gguf").orElseThrow().facts().fileType()).isEqualTo("Q4_K_M");
    }

    InstalledModel download(ModelLibrary lib, String repo, String file, String quant) throws Exception {
        Path f = TestRepos.gguf(tmp.resolve("data/models").resolve(repo).resolve(file), quant, 2, 32, 0);
        return lib.addDownloaded(new InstalledModel.HubSource(repo, "abc123", quant, List.of(file)), List.of(f), List.of(""));
    }

    @Test
    void aTornIndexStillListsEveryModelOnDiskAndKeepsTheTornFileAside() throws Exception {
        ModelLibrary lib = library();
        InstalledModel a = download(lib, "org/One-GGUF", "One-Q4_K_M.gguf", "Q4_K_M");
        InstalledModel b = download(lib, "org/Two-GGUF", "Q8_0/Two-Q8_0-00001-of-00001.gguf", "Q8_0");
        Path index = tmp.resolve("data/models.json");
        byte[] whole = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(whole, whole.length / 2 + 40));

        ModelLibrary reopened = library();
        assertThat(reopened.list()).extracting(InstalledModel::primaryFile).containsExactlyInAnyOrder(a.primaryFile(), b.primaryFile());
        assertThat(reopened.list()).extracting(InstalledModel::id).contains(a.id());
        assertThat(reopened.problem()).get().asString().contains("models.json is damaged");
        assertThat(tmp.resolve("data/models.json.broken")).hasBinaryContent(java.util.Arrays.copyOf(whole, whole.length / 2 + 40));

        InstalledModel c = download(reopened, "org/Three-GGUF", "Three-Q4_0.gguf", "Q4_0");
        assertThat(library().list()).extracting(InstalledModel::primaryFile)
                .containsExactlyInAnyOrder(a.primaryFile(), b.primaryFile(), c.primaryFile());
        assertThat(library().problem()).isEmpty();
    }

    @Test
    void anEntryOfANewerVersionIsSkippedThenWrittenBackAsItWas() throws Exception {
        ModelLibrary lib = library();
        download(lib, "org/One-GGUF", "One-Q4_K_M.gguf", "Q4_K_M");
        InstalledModel two = download(lib, "org/Two-GGUF", "Two-Q8_0.gguf", "Q8_0");
        Path index = tmp.resolve("data/models.json");
        Files.writeString(index, Files.readString(index).replace("\"origin\" : \"DOWNLOADED\"", "\"origin\" : \"SHARED\"")
                .replaceFirst("\"origin\" : \"SHARED\"", "\"origin\" : \"DOWNLOADED\", \"pinned\" : true"));

        ModelLibrary reopened = library();
        assertThat(reopened.list()).extracting(InstalledModel::id).containsExactly("org/One-GGUF:Q4_K_M");
        assertThat(reopened.problem()).get().asString().contains("1 entry(ies) of models.json could not be read");
        download(reopened, "org/Three-GGUF", "Three-Q4_0.gguf", "Q4_0");

        String saved = Files.readString(index);
        assertThat(saved).contains("\"pinned\" : true").contains("\"origin\" : \"SHARED\"").contains(two.primaryFile().toString())
                .contains("org/Three-GGUF:Q4_0");
        assertThat(library().list()).extracting(InstalledModel::id).containsExactly("org/One-GGUF:Q4_K_M", "org/Three-GGUF:Q4_0");
    }

    @Test
    void twoFilesOfOneRepoWithTheSameQuantLabelAreTwoModels() throws Exception {
        ModelLibrary lib = library();
        InstalledModel a = download(lib, "org/Mix-GGUF", "A-Q4_K_M.gguf", "Q4_K_M");
        InstalledModel b = download(lib, "org/Mix-GGUF", "B-Q4_K_M.gguf", "Q4_K_M");
        assertThat(a.id()).isEqualTo("org/Mix-GGUF:Q4_K_M"); // ids saved before stay as they were
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(lib.list()).extracting(InstalledModel::primaryFile).containsExactlyInAnyOrder(a.primaryFile(), b.primaryFile());

        // downloaded again: each replaces itself only and keeps its id
        assertThat(download(lib, "org/Mix-GGUF", "B-Q4_K_M.gguf", "Q4_K_M").id()).isEqualTo(b.id());
        assertThat(download(lib, "org/Mix-GGUF", "A-Q4_K_M.gguf", "Q4_K_M").id()).isEqualTo(a.id());
        assertThat(lib.list()).hasSize(2);
        lib.remove(a.id());
        assertThat(a.primaryFile()).doesNotExist();
        assertThat(b.primaryFile()).exists();
        assertThat(lib.list()).extracting(InstalledModel::id).containsExactly(b.id());
    }

    @Test
    void anEmptyNameMatchesNoModel() throws Exception {
        ModelLibrary lib = library();
        InstalledModel only = download(lib, "org/One-GGUF", "One-Q4_K_M.gguf", "Q4_K_M");
        assertThat(lib.find("")).isEmpty();
        assertThat(lib.find("  ")).isEmpty();
        assertThatThrownBy(() -> lib.remove("")).isInstanceOf(LibraryException.class);
        assertThat(only.primaryFile()).exists();
        assertThat(lib.list()).hasSize(1);
    }

    @Test
    void theModelListIsReadableByItsOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        download(library(), "org/One-GGUF", "One-Q4_K_M.gguf", "Q4_K_M");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("data/models.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void theCommandLineUsesTheModelsFolderChosenInSettings() throws Exception {
        Files.createDirectories(tmp.resolve("data"));
        Files.writeString(tmp.resolve("data/settings.json"), "{\"modelsDir\":\"" + tmp.resolve("big").toString().replace("\\", "\\\\") + "\"}");
        KarukuPaths paths = KarukuPaths.fromEnvironment(Map.of("KARUKU_HOME", tmp.resolve("data").toString()), tmp, "Linux");
        assertThat(paths.withChosenModelsDir().modelsDir()).isEqualTo(tmp.resolve("big"));
        Files.writeString(tmp.resolve("data/settings.json"), "{\"modelsDir\":");
        assertThat(paths.withChosenModelsDir().modelsDir()).isEqualTo(tmp.resolve("data/models"));
    }
}
