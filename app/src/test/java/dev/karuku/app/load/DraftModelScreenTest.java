package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.shell.Page;
import dev.karuku.app.shell.ShellViewModel;
import dev.karuku.app.ui.FxUiThread;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SerialExecutor;
import dev.karuku.engine.estimate.EstimateOptions;
import dev.karuku.engine.estimate.MemoryEstimator;
import dev.karuku.engine.gguf.GgmlType;
import dev.karuku.engine.gguf.GgufReader;
import dev.karuku.engine.gguf.ModelShape;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// "Speed up with a draft model" on the Load screen, in a real window: the library's models that share the model's
/// vocabulary are offered (smaller ones, never the model itself nor one with another vocabulary), choosing one adds its
/// memory to the estimate, and the draft and prompt lookup chosen are remembered for the model.
class DraftModelScreenTest {
    static final long GIB = 1L << 30;
    static final Hardware PC = Hardware.cpuOnly(32 * GIB, 24 * GIB, 8);
    final TestHost testHost = new TestHost();
    final FxRobot robot = new FxRobot();
    @TempDir Path dir;
    Path model, draft, foreign;
    ModelSession session;

    @BeforeEach
    void library() throws Exception {
        model = TestModels.successor(dir.resolve("successor.gguf"));
        draft = TestModels.successor(dir.resolve("successor-f16.gguf"), GgmlType.F16);
        foreign = TestModels.write(dir.resolve("foreign.gguf"), ModelShape.successor(), GgmlType.F16); // smaller, other tokens
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) WaitForAsyncUtils.asyncFx(session::unload).get(5, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        FxToolkit.cleanupStages();
        testHost.close();
    }

    LoadViewModel show(LoadChoices choices) throws Exception {
        FxToolkit.registerPrimaryStage();
        session = new ModelSession();
        var vm = new LoadViewModel(testHost.loader(), new EstimatorPlanner(() -> PC),
                new LibraryDrafts(() -> List.of(model, foreign, draft)), session,
                () -> LoadSettings.DEFAULTS.withContextLength(256).withThreads(1), choices, new SerialExecutor("test-estimate"),
                new FxUiThread());
        FxToolkit.setupSceneRoot(() -> new LoadView(vm, new Messages(Locale.ENGLISH), () -> {}).root());
        FxToolkit.showStage();
        robot.interact(() -> FxToolkit.toolkitContext().getRegisteredStage().setHeight(800));
        return vm;
    }

    void open(LoadViewModel vm, Path file) throws Exception {
        robot.interact(() -> vm.file().set(file));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get() != null && vm.draftsFound().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @SuppressWarnings("unchecked")
    ComboBox<Object> draftBox() {
        return robot.lookup("#load-draft").queryAs(ComboBox.class);
    }

    void chooseDraft(String fileName) {
        robot.clickOn("#load-draft");
        Node cell = robot.lookup(".list-cell").match((ListCell<?> c) -> c.isVisible() && c.getText() != null
                && c.getText().startsWith(fileName)).query();
        robot.clickOn(cell);
    }

    @Test
    void onlyAModelWithTheSameVocabularyIsOfferedAndChoosingItAddsItsMemoryToTheEstimate() throws Exception {
        LoadViewModel vm = show(null);
        open(vm, model);
        assertThat(draftBox().getItems()).extracting(i -> draftBox().getConverter().toString(i))
                .as("None, then the smaller successor; neither the model itself nor the other vocabulary")
                .hasSize(2).first().isEqualTo("None");
        assertThat(draftBox().getConverter().toString(draftBox().getItems().get(1))).startsWith("successor-f16.gguf (");
        assertThat(draftBox().getConverter().toString(draftBox().getValue())).isEqualTo("None");
        assertThat(robot.lookup("#load-draft-hint").queryAs(Label.class).getText()).contains("the answers stay the same, only faster")
                .contains("The draft needs memory too");
        long alone = vm.plan().get().ramNeeded();
        String aloneLabel = robot.lookup("#load-ram").queryAs(Label.class).getText();

        chooseDraft("successor-f16.gguf");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get().ramNeeded() != alone);

        assertThat(vm.draft().get()).isEqualTo(draft);
        long draftAlone = MemoryEstimator.estimate(GgufReader.read(draft), EstimateOptions.of(vm.request()), PC).ramBytes();
        assertThat(vm.plan().get().ramNeeded() - alone).as("the draft's memory, with the model's options")
                .isEqualTo(draftAlone).isGreaterThan(GgufReader.read(draft).tensorBytes());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#load-ram").queryAs(Label.class).getText()).isNotEqualTo(aloneLabel);

        chooseDraft("None");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.plan().get().ramNeeded() == alone);
        assertThat(vm.draft().get()).isNull();
    }

    @Test
    void aModelNoLibraryModelCanDraftForSaysSoWithAHint() throws Exception {
        LoadViewModel vm = show(null);
        open(vm, foreign);
        assertThat(draftBox().getItems()).hasSize(1);
        assertThat(draftBox().isDisabled()).isTrue();
        assertThat(robot.lookup("#load-draft-hint").queryAs(Label.class).getText())
                .startsWith("No model in My Models can be a draft for this one").contains("same family");
    }

    @Test
    void theDraftAndPromptLookupAreRememberedForTheModelAndShownWhileItIsLoaded() throws Exception {
        Path remembered = dir.resolve("load-choices.json");
        LoadViewModel vm = show(new LoadChoices(remembered));
        open(vm, model);
        chooseDraft("successor-f16.gguf");
        robot.clickOn("#load-lookup");
        assertThat(vm.lookup().get()).as("the switch").isTrue();
        robot.clickOn("#load-load");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.state().get() != LoadState.LOADING);
        assertThat(vm.error().get()).isEmpty();
        assertThat(vm.state().get()).isEqualTo(LoadState.LOADED);
        assertThat(session.loaded().get().speculative().draft()).isEqualTo(draft);
        assertThat(session.loaded().get().speculative().lookup()).isTrue();
        ShellViewModel shell = new ShellViewModel(session, new Messages(Locale.ENGLISH), Page.LOAD);
        assertThat(shell.modelText().get()).isEqualTo("successor.gguf · draft successor-f16.gguf · prompt lookup");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.isRegularFile(remembered)
                && Files.readString(remembered).contains("successor-f16.gguf"));

        // next time (a new screen over the file on disk): the same draft and lookup, on the best fit
        FxToolkit.cleanupStages();
        WaitForAsyncUtils.asyncFx(session::unload).get(5, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        LoadViewModel again = show(new LoadChoices(remembered));
        open(again, model);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> draft.equals(again.draft().get()));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(draftBox().getConverter().toString(draftBox().getValue())).startsWith("successor-f16.gguf (");
        assertThat(robot.lookup("#load-lookup").queryAs(atlantafx.base.controls.ToggleSwitch.class).isSelected()).isTrue();
        assertThat(again.speculative().enabled()).isTrue();

        // another model opens without them
        open(again, foreign);
        assertThat(again.draft().get()).isNull();
        assertThat(again.lookup().get()).isFalse();
    }
}
