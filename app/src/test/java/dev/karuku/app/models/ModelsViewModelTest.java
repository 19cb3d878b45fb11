package dev.karuku.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.library.FoundModel;
import dev.karuku.engine.library.OtherAppsModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// My Models without the toolkit: Karuku's own models first, then those other apps downloaded, which stay theirs.
class ModelsViewModelTest {
    @TempDir Path models;
    @TempDir Path userHome;

    @Test
    void modelsOfOtherAppsAreListedWithWhereTheyWereFoundAndAreNeverDeleted() throws Exception {
        TestModels.successor(models.resolve("own.gguf"));
        Path lmStudio = userHome.resolve(".lmstudio/models/karuku-test/Successor-GGUF/Successor-F32.gguf");
        Files.createDirectories(lmStudio.getParent());
        TestModels.successor(lmStudio);
        var vm = new ModelsViewModel(() -> models, new OtherAppsModels(Map.of(), userHome)::scan, Runnable::run, UiThread.direct());

        vm.refresh();

        assertThat(vm.models()).extracting(ModelEntry::name).containsExactly("own.gguf", "karuku-test/Successor-GGUF/Successor-F32.gguf");
        ModelEntry own = vm.models().getFirst();
        ModelEntry found = vm.models().getLast();
        assertThat(own.readOnly()).isFalse();
        assertThat(found.foundIn()).contains(FoundModel.Source.LM_STUDIO);
        assertThat(found.readOnly()).isTrue();
        assertThat(found.problem()).isEmpty(); // its header was read: it can be loaded
        assertThat(found.arch()).isEqualTo("llama");
        assertThat(found.path()).isEqualTo(lmStudio);

        vm.delete(found);
        assertThat(lmStudio).exists();
        assertThat(vm.models()).hasSize(2);

        vm.delete(own);
        assertThat(models.resolve("own.gguf")).doesNotExist();
        assertThat(vm.models()).extracting(ModelEntry::name).containsExactly("karuku-test/Successor-GGUF/Successor-F32.gguf");
    }

    @Test
    void theModelsFolderSetToAnotherAppsFolderListsEachFileOnce() throws Exception {
        Path lmModels = userHome.resolve(".lmstudio/models");
        Files.createDirectories(lmModels.resolve("a"));
        TestModels.successor(lmModels.resolve("a/one.gguf"));
        var vm = new ModelsViewModel(() -> lmModels, new OtherAppsModels(Map.of(), userHome)::scan, Runnable::run, UiThread.direct());

        vm.refresh();

        assertThat(vm.models()).singleElement().satisfies(e -> assertThat(e.readOnly()).isFalse());
    }

    @Test
    void aSplitQuantInItsOwnSubfolderIsListedOnceWithAllItsPartsAndDeletedWhole() throws Exception {
        Path q8 = models.resolve("org/Big-GGUF/Q8_0");
        Path first = dev.karuku.engine.hub.fake.TestRepos.gguf(q8.resolve("Big-Q8_0-00001-of-00002.gguf"), "Q8_0", 0, 2, 4, 32, 0, 0, 2);
        Path second = dev.karuku.engine.hub.fake.TestRepos.gguf(q8.resolve("Big-Q8_0-00002-of-00002.gguf"), "Q8_0", 2, 4, 4, 32, 0, 1, 2);
        TestModels.successor(userHome.resolve("elsewhere.gguf"));
        Files.createSymbolicLink(models.resolve("linked.gguf"), userHome.resolve("elsewhere.gguf"));
        Files.createDirectories(models.resolve(".downloading/job1"));
        TestModels.successor(models.resolve(".downloading/job1/unfinished.gguf"));
        var vm = new ModelsViewModel(() -> models, java.util.List::of, Runnable::run, UiThread.direct());

        vm.refresh();

        assertThat(vm.models()).extracting(ModelEntry::name).containsExactly("Big-Q8_0-00001-of-00002.gguf", "linked.gguf");
        assertThat(vm.models().getFirst()).satisfies(e -> {
            assertThat(e.path()).isEqualTo(first);
            assertThat(e.size()).isEqualTo(Files.size(first) + Files.size(second));
            assertThat(e.problem()).isEmpty();
            assertThat(e.quant()).isEqualTo("Q8_0");
        });
        vm.delete(vm.models().getFirst());
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
        assertThat(vm.models()).extracting(ModelEntry::name).containsExactly("linked.gguf");
    }
}
