package dev.karuku.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.AppWindow;
import dev.karuku.app.KarukuApp;
import dev.karuku.app.discover.ModelPageViewModel;
import dev.karuku.app.discover.StopItem;
import dev.karuku.engine.gguf.FileType;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hub.HubConfig;
import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.library.InstalledModel;
import dev.karuku.engine.library.KarukuPaths;
import dev.karuku.engine.library.ModelLibrary;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.llama.QuantizeListener;
import dev.karuku.engine.quality.QualityReport;
import dev.karuku.engine.quality.QualityResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/// The model page's slider shows, beside the typical figure, what Compare quality measured on this PC: for a quant
/// downloaded from the repo, and for one made on this PC from the repo's F16 file; a quant never measured shows
/// nothing measured.
class MeasuredOnModelPageTest {
    static final String REPO = "karuku-test/Measured-GGUF";
    @TempDir Path home;
    @TempDir Path work;
    final FxRobot robot = new FxRobot();
    KarukuApp app;
    FakeHub hub;

    @AfterEach
    void close() throws Exception {
        AppWindow.close(app);
        if (hub != null) hub.close();
    }

    @Test
    void theSliderShowsTheFiguresMeasuredOnThisPcBesideTheTypicalOnes() throws Exception {
        LlamaRuntime llama = LlamaRuntime.load();
        Path f16 = TestModels.successor(work.resolve("Measured-F16.gguf"), GgmlType.F16);
        hub = FakeHub.start();
        var repo = hub.addRepo(REPO).ggufSummary("llama", 256);
        repo.addFile("Measured-F16.gguf", f16);
        for (FileType t : List.of(FileType.MOSTLY_Q4_K_M, FileType.MOSTLY_Q5_K_S, FileType.MOSTLY_IQ3_S)) {
            Path q = work.resolve("Measured-" + t.label() + ".gguf");
            llama.quantize(f16, q, t, 2, QuantizeListener.NONE);
            repo.addFile(q.getFileName().toString(), q);
        }
        // on this PC: the F16 and the Q5_K_S downloaded from the repo, and a Q4_K_M made here from the F16
        Path dir = Files.createDirectories(home.resolve("models").resolve(REPO));
        Path localF16 = Files.copy(f16, dir.resolve("Measured-F16.gguf"));
        Path localQ5 = Files.copy(work.resolve("Measured-Q5_K_S.gguf"), dir.resolve("Measured-Q5_K_S.gguf"));
        Path madeQ4 = Files.copy(work.resolve("Measured-Q4_K_M.gguf"), dir.resolve("Measured-F16-Q4_K_M.gguf"));
        ModelLibrary library = new ModelLibrary(new KarukuPaths(home, home.resolve("models")));
        library.addDownloaded(new InstalledModel.HubSource(REPO, "main", "F16", List.of("Measured-F16.gguf")), List.of(localF16), List.of(""));
        library.addDownloaded(new InstalledModel.HubSource(REPO, "main", "Q5_K_S", List.of("Measured-Q5_K_S.gguf")), List.of(localQ5), List.of(""));
        QualityResults results = new QualityResults(new KarukuPaths(home, home.resolve("models")).qualityResults());
        results.put(new QualityResults.Entry(localQ5, localF16, QualityResults.textId("my own text"), Files.size(localQ5),
                new QualityReport(10.1, 10.0, new QualityReport.Kld(0.0123, 0.01, 0.05, 0.2), 0.951, 768, 3, 512), Instant.now()));
        results.put(new QualityResults.Entry(madeQ4, localF16, QualityResults.SAMPLE, Files.size(madeQ4),
                new QualityReport(10.3, 10.0, new QualityReport.Kld(0.0456, 0.04, 0.1, 0.3), 0.9, 255, 1, 512), Instant.now()));

        app = AppWindow.start(() -> new KarukuApp(home, HubConfig.of(hub.endpoint(), null),
                new dev.karuku.engine.library.OtherAppsModels(java.util.Map.of(), work.resolve("user-home"))));
        AppWindow.size(robot, 1280, 800);
        robot.clickOn("#nav-discover");
        robot.clickOn("#discover-search").write("measured");
        String rowId = "#discover-result-" + REPO.replaceAll("[^A-Za-z0-9]", "-");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup(rowId).tryQuery().map(n -> n.isVisible() && n.getScene() != null).orElse(false));
        WaitForAsyncUtils.sleep(2 * dev.karuku.app.discover.DiscoverViewModel.DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        robot.clickOn(robot.lookup(rowId).match(n -> n.isVisible() && n.getScene() != null).<Node>query());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> stops().size() == 4 && stops().stream().allMatch(s -> s.estimate().get() != null));

        Label measured = robot.lookup("#model-quality-measured").queryAs(Label.class);
        select("Q5_K_S");
        assertThat(measured.isVisible()).isTrue();
        assertThat(measured.getText()).isEqualTo("Measured on your text on this PC: KL divergence 0.0123, perplexity +1.00 %, "
                + "same top token 95.1 % of the time (against Measured-F16.gguf, 768 tokens).");
        assertThat(robot.lookup("#model-quality").queryAs(Label.class).getText()).contains("Typical quality loss of Q5_K_S");
        select("Q4_K_M");
        assertThat(measured.getText()).startsWith("Measured on this PC on the bundled sample text: KL divergence 0.0456, perplexity +3.00 %");
        select("IQ3_S");
        assertThat(measured.isVisible()).isFalse();
    }

    void select(String label) throws Exception {
        robot.clickOn(robot.lookup((Node n) -> ("model-stop-" + label).equals(n.getId())).<Node>query());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @SuppressWarnings("unchecked")
    List<StopItem> stops() {
        return robot.lookup("#model-page").tryQuery().map(n -> (List<StopItem>) ((ModelPageViewModel) n.getUserData()).stops()).orElse(List.of());
    }
}
