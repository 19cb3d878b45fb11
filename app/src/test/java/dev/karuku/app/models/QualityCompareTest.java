package dev.karuku.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.AppWindow;
import dev.karuku.app.KarukuApp;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeListener;
import dev.karuku.engine.quality.QualityResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.chart.ScatterChart;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// My Models' Compare quality, clicked as a user does: a Q4_K_M file measured against the F16 file of the same
/// model; the result is shown, charted and kept; a cancelled run keeps nothing.
class QualityCompareTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    Path text;

    @BeforeEach
    void models() throws Exception {
        Path dir = Files.createDirectories(home.resolve("models"));
        Path f16 = TestModels.successor(dir.resolve("successor-F16.gguf"), GgmlType.F16);
        LlamaRuntime.load().quantize(f16, dir.resolve("successor-Q4_K_M.gguf"), FileType.MOSTLY_Q4_K_M, 2, QuantizeListener.NONE);
        text = Files.writeString(home.resolve("mine.txt"), "the quick brown fox jumps over the lazy dog. ".repeat(60));
    }

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
    }

    QualityCompareViewModel openComparison() throws Exception {
        app = AppWindow.start(() -> new KarukuApp(home));
        robot.clickOn("#nav-models");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#models-compare-successor-Q4-K-M-gguf").tryQuery().isPresent());
        robot.clickOn("#models-compare-successor-Q4-K-M-gguf");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#quality-dialog").tryQuery().isPresent());
        QualityCompareViewModel vm = (QualityCompareViewModel) robot.lookup("#quality-dialog").query().getUserData();
        assertThat(vm.reference().get().name()).isEqualTo("successor-F16.gguf"); // the largest other file
        return vm;
    }

    @Test
    void aQuantizedFileIsMeasuredAgainstItsF16AndTheResultIsShownChartedAndKept() throws Exception {
        QualityCompareViewModel vm = openComparison();
        robot.interact(() -> vm.textFile().set(text));
        robot.clickOn("#quality-start");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> vm.state().get() != QualityCompareViewModel.State.RUNNING
                && vm.state().get() != QualityCompareViewModel.State.IDLE);
        assertThat(vm.state().get()).as(vm.error().get()).isEqualTo(QualityCompareViewModel.State.DONE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".quality-row").queryAllAs(Label.class)).singleElement()
                .extracting(Label::getText).asString().startsWith("successor-Q4_K_M.gguf").containsPattern("KL divergence \\d\\.\\de-0\\d");
        ScatterChart<?, ?> chart = robot.lookup("#quality-chart").queryAs(ScatterChart.class);
        assertThat(chart.getData().getFirst().getData()).hasSize(1);
        QualityResults.Entry kept = new QualityResults(home.resolve("quality.json")).list().getFirst();
        assertThat(kept.model().getFileName().toString()).isEqualTo("successor-Q4_K_M.gguf");
        assertThat(kept.report().kld().mean()).isPositive();
        assertThat(kept.report().top1Agreement()).isBetween(0.5, 1.0);
    }

    @Test
    void cancellingKeepsNothing() throws Exception {
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(3000));
        QualityCompareViewModel vm = openComparison();
        robot.interact(() -> vm.textFile().set(text));
        robot.clickOn("#quality-start");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.progress().get() > 0);
        robot.clickOn("#quality-cancel");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.state().get() == QualityCompareViewModel.State.CANCELLED);
        assertThat(Files.exists(home.resolve("quality.json"))).isFalse();
        assertThat(robot.lookup("#quality-status").queryAs(Label.class).getText()).contains("nothing was kept");
    }
}
