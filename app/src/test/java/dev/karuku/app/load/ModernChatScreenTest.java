package dev.karuku.app.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.app.KarukuApp;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.gguf.TestModels;
import dev.karuku.engine.settings.LoadSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// The Chat screen in a real window with real llama.cpp and models whose templates think, refuse a system prompt
/// or cannot be run: the thinker test model thinks `abcde` and answers `xyz` after `?`.
class ModernChatScreenTest {
    @TempDir Path home;
    final FxRobot robot = new FxRobot();
    KarukuApp app;

    final TestHost testHost = new TestHost();

    void start(String template) throws Exception {
        FxToolkit.registerPrimaryStage();
        KarukuApp a = new KarukuApp(home);
        FxToolkit.setupApplication(() -> a);
        WaitForAsyncUtils.waitForFxEvents();
        app = a;
        Path file = TestModels.thinker(home.resolve("thinker.gguf"), template);
        var loaded = testHost.loader().load(file, LoadSettings.DEFAULTS.withContextLength(512).withThreads(1).withGpuLayers(0),
                fraction -> {}).result().get(120, TimeUnit.SECONDS);
        robot.interact(() -> app.session().set(loaded.model(), loaded.chat(), loaded.resources()));
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            WaitForAsyncUtils.asyncFx(() -> app.session().unload()).get(5, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
        testHost.close();
    }

    @Test
    void theThinkingFoldsAwayWithItsDurationOpensOnAClickAndCanBeSwitchedOff() throws Exception {
        start(TestModels.THINKER_TEMPLATE);
        send("?");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> finished(2));
        MessageItem answer = messages().get(1);
        assertThat(answer.text().get()).isEqualTo("xyz");
        assertThat(answer.thinking().get()).isEqualTo("abcde");
        Button header = robot.lookup("#chat-thinking-header").match(ModernChatScreenTest::shown).queryAs(Button.class);
        Label thinking = robot.lookup("#chat-thinking-text").match((Label l) -> l.getParent().isVisible()).queryAs(Label.class);
        assertThat(header.getText()).startsWith("Thought for ");
        assertThat(thinking.isVisible()).as("collapsed once the answer began").isFalse();
        robot.clickOn(header);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(thinking.isVisible()).isTrue();
        assertThat(thinking.getText()).isEqualTo("abcde");

        Node toggle = robot.lookup("#chat-thinking").query();
        assertThat(toggle.isVisible()).as("the template reads enable_thinking").isTrue();
        robot.clickOn(toggle);
        send("?");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> finished(4));
        assertThat(messages().get(3).text().get()).isEqualTo("xyz");
        assertThat(messages().get(3).thinking().get()).as("thinking switched off").isEmpty();
    }

    @Test
    void aTemplateThatRefusesTheSystemPromptOffersToFoldItAndTheReplyGoesAhead() throws Exception {
        start("{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
                + "{% for m in messages %}{{ m['content'] }}{% endfor %}");
        robot.clickOn("#chat-system-prompt");
        robot.clickOn("#chat-system-prompt-area").write("ab");
        send("?");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> shown(robot.lookup("#chat-fold-system").query())));
        Label refusal = robot.lookup(".bubble-error").match((Label l) -> l.isVisible() && l.getText().contains("System role not supported"))
                .queryAs(Label.class);
        assertThat(refusal.getText()).isEqualTo("The model's chat template refuses this conversation: \"System role not supported\"");
        robot.clickOn("#chat-fold-system");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> finished(2));
        assertThat(messages().get(1).text().get()).isEqualTo("xyz");
        assertThat(shown(robot.lookup("#chat-fold-system").query())).as("the offer is gone").isFalse();
    }

    @Test
    void aTemplateTheEngineCannotRunIsSaidOnce() throws Exception {
        start("{% for message in messages %}{{ message.content }}");
        send("abc");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> finished(2));
        Label notice = robot.lookup("#chat-template-fallback").queryAs(Label.class);
        assertThat(notice.isVisible()).isTrue();
        assertThat(notice.getText()).startsWith("This model's own chat template could not be run (");
    }

    @Test
    void jsonModeAnswersJsonThatFollowsTheSchema() throws Exception {
        start(TestModels.THINKER_TEMPLATE);
        @SuppressWarnings("unchecked") ComboBox<Object> preset = robot.lookup("#chat-preset").queryAs(ComboBox.class);
        robot.interact(() -> preset.getSelectionModel().select(0)); // Precise: the same answer every time
        robot.clickOn("#chat-json");
        robot.clickOn("#chat-json-any");
        TextArea schema = robot.lookup("#chat-json-schema").queryAs(TextArea.class);
        robot.interact(() -> schema.setText("""
                {"type": "object", "properties": {"word": {"type": "string", "enum": ["abc", "xyz"]}, "n": {"type": "integer"}},
                 "required": ["word", "n"]}"""));
        send("?");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> finished(2));
        var json = new ObjectMapper().readTree(messages().get(1).text().get());
        assertThat(json.get("word").asText()).isIn("abc", "xyz");
        assertThat(json.get("n").isIntegralNumber()).isTrue();
        assertThat(json.size()).isEqualTo(2);
    }

    /// In a row that shows its message (spare cells keep their nodes, hidden).
    static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) if (!p.isVisible()) return false;
        return true;
    }

    void send(String text) {
        TextArea input = robot.lookup("#chat-input").queryAs(TextArea.class);
        robot.clickOn(input).write(text).type(KeyCode.ENTER);
    }

    boolean finished(int count) throws Exception {
        return onFx(() -> {
            List<MessageItem> m = messages();
            return m.size() == count && m.getLast().role() == Role.ASSISTANT && m.getLast().stats().get() != null;
        });
    }

    @SuppressWarnings("unchecked")
    List<MessageItem> messages() {
        return robot.lookup("#chat-messages").queryAs(ListView.class).getItems();
    }

    static <T> T onFx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(5, TimeUnit.SECONDS);
    }
}
