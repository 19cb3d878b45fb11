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
}
