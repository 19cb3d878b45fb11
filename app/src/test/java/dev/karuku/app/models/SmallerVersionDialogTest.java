package dev.karuku.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.AppWindow;
import dev.karuku.app.KarukuApp;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.quality.QualityResults;
import dev.karuku.engine.quality.SmallerVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// My Models' "Make a smaller version…", clicked as a user does on an F16 file: the size is said before it starts
/// and is the size written; the new file appears next to its source, in the library, and measured against it; a
/// cancel keeps nothing.
class SmallerVersionDialogTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    Path dir;

    @BeforeEach
    void model() throws Exception {
        dir = Files.createDirectories(home.resolve("models"));
        TestModels.successor(dir.resolve("successor-F16.gguf"), GgmlType.F16);
    }

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    SmallerVersionViewModel open() throws Exception {
        app = AppWindow.start(() -> new KarukuApp(home));
        robot.clickOn("#nav-models");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#models-shrink-successor-F16-gguf").tryQuery().map(n -> n.isVisible()).orElse(false));
        robot.clickOn("#models-shrink-successor-F16-gguf");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#shrink-dialog").tryQuery().isPresent());
        SmallerVersionViewModel vm = (SmallerVersionViewModel) robot.lookup("#shrink-dialog").query().getUserData();
        assertThat(vm.types()).startsWith(FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_IQ3_S)
                .contains(FileType.MOSTLY_Q8_0, FileType.MOSTLY_IQ2_XXS).doesNotContain(FileType.MOSTLY_F16);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.predictedBytes().get() > 0);
        return vm;
    }

    @Test
    void aSmallerVersionIsMadeNextToItsSourceAsPredictedAndMeasured() throws Exception {
        SmallerVersionViewModel vm = open();
        long predicted = vm.predictedBytes().get();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shrink-size").queryAs(Label.class).getText()).startsWith("successor-Q4_K_M.gguf will be ")
                .contains("free on this disk");
        robot.clickOn("#shrink-start");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> vm.state().get() != SmallerVersionViewModel.State.RUNNING);
        assertThat(vm.state().get()).as(vm.error().get()).isEqualTo(SmallerVersionViewModel.State.DONE);
        Path made = dir.resolve("successor-Q4_K_M.gguf");
        assertThat(Files.size(made)).isEqualTo(predicted);
        assertThat(GgufReader.read(made).fileTypeLabel()).isEqualTo("Q4_K_M");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shrink-status").queryAs(Label.class).getText())
                .containsPattern("Made successor-Q4_K_M\\.gguf \\(.*\\)\\. Against the original: KL divergence \\d");
        // in My Models, in the library, and measured against its source
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#models-load-successor-Q4-K-M-gguf").tryQuery().isPresent());
        assertThat(new ModelLibrary(new KarukuPaths(home, home.resolve("models"))).list())
                .anyMatch(m -> m.primaryFile().getFileName().toString().equals("successor-Q4_K_M.gguf") && m.origin().owned());
        QualityResults.Entry kept = new QualityResults(home.resolve("quality.json")).list().getFirst();
        assertThat(kept.model().getFileName().toString()).isEqualTo("successor-Q4_K_M.gguf");
        assertThat(kept.reference().getFileName().toString()).isEqualTo("successor-F16.gguf");
        assertThat(kept.report().kld().mean()).isPositive();
    }

    @Test
    void aTypeThatNeedsAnImportanceMatrixAsksForOneAndIsMadeWithIt() throws Exception {
        SmallerVersionViewModel vm = open();
        robot.interact(() -> vm.type().set(FileType.MOSTLY_IQ2_XXS));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.predictedBytes().get() > 0);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shrink-size").queryAs(Label.class).getText())
                .endsWith("llama.cpp makes IQ2_XXS only with an importance matrix: turn it on below.");
        assertThat(robot.lookup("#shrink-start").queryButton().isDisabled()).isTrue();
        robot.clickOn("#shrink-imatrix");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.predictedBytes().get() > 0);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shrink-start").queryButton().isDisabled()).isFalse();
        robot.clickOn("#shrink-start");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> vm.state().get() != SmallerVersionViewModel.State.RUNNING);
        assertThat(vm.state().get()).as(vm.error().get()).isEqualTo(SmallerVersionViewModel.State.DONE);
        assertThat(vm.result().get().withoutImatrix()).isNull(); // there is no IQ2_XXS without a matrix to compare with
        assertThat(GgufReader.read(dir.resolve("successor-IQ2_XXS.gguf")).fileTypeLabel()).isEqualTo("IQ2_XXS");
    }

    @Test
    void cancellingKeepsNoFileNoResultAndNothingInTheLibrary() throws Exception {
        SmallerVersionViewModel vm = open();
        robot.clickOn("#shrink-imatrix"); // the longer path: matrix, two files, two comparisons
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.predictedBytes().get() > 0);
        // the tiny model's work can end before a mouse reaches Cancel on a fast machine: hold it at the second file
        // (after the matrix and the first file were made) until Cancel has been clicked
        CountDownLatch atSecondFile = new CountDownLatch(1);
        CountDownLatch clicked = new CountDownLatch(1);
        vm.workingThreadProgress = (s, f) -> {
            if (s == SmallerVersion.Stage.QUANTIZING_WITHOUT_IMATRIX && atSecondFile.getCount() > 0) {
                atSecondFile.countDown();
                try {
                    clicked.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        robot.clickOn("#shrink-start");
        assertThat(atSecondFile.await(120, TimeUnit.SECONDS)).as(vm.error().get()).isTrue();
        robot.clickOn("#shrink-cancel");
        clicked.countDown();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.state().get() != SmallerVersionViewModel.State.RUNNING);
        assertThat(vm.state().get()).as(vm.error().get()).isEqualTo(SmallerVersionViewModel.State.CANCELLED);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#shrink-status").queryAs(Label.class).getText()).isEqualTo("Cancelled: no file was kept.");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("successor-F16.gguf");
        }
        assertThat(home.resolve("quality.json")).doesNotExist();
        assertThat(new ModelLibrary(new KarukuPaths(home, home.resolve("models"))).list()).isEmpty();
    }
}
