package dev.karuku.app.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.app.ui.Pulse;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.conversation.StoredMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The Chat ViewModel without JavaFX: a synchronous UI thread and disk, a pulse the test ticks by hand, and a
/// backend the test drives token by token.
class ChatViewModelTest {
    @TempDir Path dir;

    final ManualPulse pulse = new ManualPulse();
    final ScriptBackend backend = new ScriptBackend();
    final SimpleObjectProperty<ChatBackend> loaded = new SimpleObjectProperty<>();

    ChatViewModel vm() {
        return new ChatViewModel(new ConversationStore(dir), Runnable::run, UiThread.direct(), pulse, loaded);
    }

    @Test
    void aChatWithUnreadableLinesOpensWithTheRestAndSaysHowManyWereSkipped() throws Exception {
        String id;
        try (var w = new ConversationStore(dir).create("Torn")) {
            id = w.id();
            w.add(Role.USER, "こんにちは");
        }
        java.nio.file.Files.writeString(dir.resolve(id + ".jsonl"), "{\"op\":\"react\",\"msg\":\"m1\"}\n{\"op\":\"add\",\"msg\":\"m2\",\"te",
                java.nio.file.StandardOpenOption.APPEND);
        var vm = vm();
        vm.open(id);
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("こんにちは");
        assertThat(vm.unreadableLines().get()).isEqualTo(2);
        vm.newChat();
        assertThat(vm.unreadableLines().get()).isZero();
    }

    @Test
    void withoutAModelNothingCanBeSent() {
        var vm = vm();
        vm.input().set("hello");
        assertThat(vm.state().get()).isEqualTo(ChatState.NO_MODEL);
        assertThat(vm.canSend().getValue()).isFalse();
        vm.send();
        assertThat(vm.messages()).isEmpty();
    }

    @Test
    void tokensReachTheScreenOncePerPulseAndAreSavedAsTheyStream() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("abc");
        vm.send();
        assertThat(vm.state().get()).isEqualTo(ChatState.GENERATING);
        assertThat(vm.input().get()).isEmpty();
        backend.listener.token("d");
        backend.listener.token("e");
        backend.listener.token("f");
        assertThat(vm.messages().get(1).text().get()).as("nothing before the pulse").isEmpty();
        pulse.tick();
        assertThat(vm.messages().get(1).text().get()).isEqualTo("def");
        assertThat(pulse.ticks).isEqualTo(1);
        // saved already, before the answer ends
        var saved = new ConversationStore(dir).load(vm.conversationId().get());
        assertThat(saved.messages()).extracting(StoredMessage::text).containsExactly("abc", "def");
        backend.listener.token("g");
        backend.listener.done(new ChatBackend.Result(4, 50.0, 12, false, 9));
        pulse.tick();
        assertThat(vm.state().get()).isEqualTo(ChatState.READY);
        assertThat(vm.messages().get(1).stats().get().tokensPerSecond()).isEqualTo(50.0);
        assertThat(vm.contextUsed().get()).isEqualTo(9);
        assertThat(pulse.running).isFalse();
        var reopened = vm();
        reopened.refreshConversations();
        assertThat(reopened.conversations()).extracting(c -> c.title()).containsExactly("abc");
        reopened.open(reopened.conversations().getFirst().id());
        assertThat(reopened.messages()).extracting(m -> m.text().get()).containsExactly("abc", "defg");
        assertThat(reopened.messages().get(1).stats().get().tokens()).isEqualTo(4);
    }

    @Test
    void anAnswerStillStreamingWhenAnotherChatOpensIsSavedInItsOwnChat() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("hello");
        vm.send();
        backend.answer("ifmmp");
        pulse.tick();
        String other = vm.conversationId().get();

        vm.newChat();
        vm.input().set("abc");
        vm.send();
        backend.listener.token("d");
        pulse.tick();
        String streaming = vm.conversationId().get();
        backend.listener.token("e"); // arrives, not yet on screen, when the user switches chats
        vm.open(other);
        pulse.tick();

        var store = new ConversationStore(dir);
        assertThat(store.load(streaming).messages()).extracting(StoredMessage::text).containsExactly("abc", "de");
        assertThat(store.load(other).messages()).extracting(StoredMessage::text).containsExactly("hello", "ifmmp");
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("hello", "ifmmp");
        // and the chat now open still saves what is said in it
        vm.input().set("more");
        vm.send();
        backend.answer("npsf");
        pulse.tick();
        assertThat(store.load(other).messages()).extracting(StoredMessage::text).containsExactly("hello", "ifmmp", "more", "npsf");
    }

    @Test
    void aReopenedConversationShowsTheModelsCountOfItsContextNotAGuess() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("abc");
        vm.send();
        backend.answer("defg");
        pulse.tick();
        assertThat(vm.contextUsed().get()).isEqualTo(10);

        loaded.set(null); // the app restarts: no model yet
        var reopened = vm();
        reopened.refreshConversations();
        reopened.open(reopened.conversations().getFirst().id());
        assertThat(reopened.contextUsed().get()).as("no model, nothing to count with").isZero();
        assertThat(backend.measured).isEmpty();

        loaded.set(backend); // a model is loaded: it counts the conversation with its own tokenizer and template
        assertThat(backend.measured.getLast()).containsExactly(new ChatBackend.Turn(Role.USER, "abc"),
                new ChatBackend.Turn(Role.ASSISTANT, "defg"));
        backend.measurements.getLast().complete(7);
        assertThat(reopened.contextUsed().get()).isEqualTo(7);

        // a count still under way when a reply ends loses to the reply's own figure
        loaded.set(null);
        loaded.set(backend);
        var late = backend.measurements.getLast();
        reopened.input().set("h");
        reopened.send();
        backend.answer("ij");
        pulse.tick();
        late.complete(7);
        assertThat(reopened.contextUsed().get()).isEqualTo(10);
        reopened.newChat();
        assertThat(reopened.contextUsed().get()).isZero();
    }

    @Test
    void aReplyCutByTheContextKeepsSayingSoAfterReopening() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("abc");
        vm.send();
        backend.listener.token("defg");
        backend.listener.done(new ChatBackend.Result(4, 50.0, 12, false, 512, MessageStats.Limit.CONTEXT));
        pulse.tick();
        assertThat(vm.messages().get(1).stats().get().limit()).isEqualTo(MessageStats.Limit.CONTEXT);
        var reopened = vm();
        reopened.refreshConversations();
        reopened.open(reopened.conversations().getFirst().id());
        assertThat(reopened.messages().get(1).stats().get()).isEqualTo(new MessageStats(4, 50.0, 12, false, MessageStats.Limit.CONTEXT));
    }

    @Test
    void regenerateReplacesTheLastAnswerOnScreenAndOnDisk() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("hi");
        vm.send();
        backend.answer("first");
        pulse.tick();
        vm.regenerate();
        backend.answer("second");
        pulse.tick();
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("hi", "second");
        assertThat(backend.requests.get(1).turns()).containsExactly(new ChatBackend.Turn(Role.USER, "hi"));
        assertThat(new ConversationStore(dir).load(vm.conversationId().get()).messages())
                .extracting(StoredMessage::text).containsExactly("hi", "second");
    }

    @Test
    void editAndResendDropsWhatFollowedTheEditedMessage() {
        loaded.set(backend);
        var vm = vm();
        vm.systemPrompt().set("Answer in Japanese.");
        vm.input().set("one");
        vm.send();
        backend.answer("A1");
        pulse.tick();
        vm.input().set("two");
        vm.send();
        backend.answer("A2");
        pulse.tick();
        vm.editAndResend(vm.messages().get(0), "uno");
        backend.answer("B1");
        pulse.tick();
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("uno", "B1");
        assertThat(backend.requests.getLast().systemPrompt()).isEqualTo("Answer in Japanese.");
        var saved = new ConversationStore(dir).load(vm.conversationId().get());
        assertThat(saved.messages()).extracting(StoredMessage::text).containsExactly("uno", "B1");
        assertThat(saved.systemPrompt()).isEqualTo("Answer in Japanese.");
    }

    @Test
    void stopKeepsWhatArrivedAndMarksTheAnswerStopped() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("abc");
        vm.send();
        backend.listener.token("defg");
        pulse.tick();
        vm.stop();
        assertThat(backend.stopped).isTrue();
        pulse.tick();
        assertThat(vm.state().get()).isEqualTo(ChatState.READY);
        assertThat(vm.messages().get(1).text().get()).isEqualTo("defg");
        assertThat(vm.messages().get(1).stats().get().stopped()).isTrue();
    }

    @Test
    void aFailedReplyIsExplainedAndTheChatStaysUsable() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("x");
        vm.send();
        backend.listener.failed("The model ran out of context.");
        pulse.tick();
        assertThat(vm.error().get()).isEqualTo("The model ran out of context.");
        assertThat(vm.state().get()).isEqualTo(ChatState.READY);
    }

    @Test
    void anAnswerCutOffByAFailureStillSaysWhyAfterARestartAndOneCutOffByClosingDoesNot() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("x");
        vm.send();
        backend.listener.token("half an ans");
        backend.listener.failed("The model's process stopped while answering. Reason: killed (SIGKILL).");
        pulse.tick();
        String failed = vm.conversationId().get();
        vm.newChat();
        vm.input().set("y");
        vm.send();
        backend.listener.token("streaming when Karuku closed");
        pulse.tick(); // the app closes here: the answer never ends
        String closed = vm.conversationId().get();

        loaded.set(null);
        var reopened = vm();
        reopened.open(failed);
        assertThat(reopened.messages().getLast().text().get()).isEqualTo("half an ans");
        assertThat(reopened.messages().getLast().stats().get()).isNull();
        assertThat(reopened.messages().getLast().error().get())
                .isEqualTo("The model's process stopped while answering. Reason: killed (SIGKILL).");
        reopened.open(closed);
        assertThat(reopened.messages().getLast().text().get()).isEqualTo("streaming when Karuku closed");
        assertThat(reopened.messages().getLast().error().get()).as("nothing was said: Karuku closed").isEmpty();
    }

    @Test
    void presetsSetTheSamplingValues() {
        var vm = vm();
        vm.preset().set(SamplingPreset.PRECISE);
        assertThat(vm.temperature().get()).isZero();
        vm.preset().set(SamplingPreset.CREATIVE);
        assertThat(vm.temperature().get()).isGreaterThan(1.0);
    }

    @Test
    void deletingTheOpenConversationStartsANewOne() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("bye");
        vm.send();
        backend.answer("ok");
        pulse.tick();
        vm.delete(vm.conversationId().get());
        assertThat(vm.messages()).isEmpty();
        assertThat(vm.conversations()).isEmpty();
        assertThat(new ConversationStore(dir).list()).isEmpty();
    }

    @Test
    void aTemplateThatRefusesTheSystemPromptOffersToPutItIntoTheFirstMessageAndOneClickAsksAgain() {
        loaded.set(backend);
        var vm = vm();
        vm.systemPrompt().set("Answer in French.");
        vm.input().set("hello");
        vm.send();
        backend.listener.templateRefused("System role not supported");
        pulse.tick();
        assertThat(vm.templateRefusal().get()).isEqualTo("System role not supported");
        assertThat(vm.error().get()).isEmpty();
        assertThat(vm.messages()).extracting(m -> m.text().get()).as("the empty answer is gone").containsExactly("hello");
        assertThat(vm.state().get()).isEqualTo(ChatState.READY);

        vm.putSystemPromptInFirstMessage();

        assertThat(vm.templateRefusal().get()).isEmpty();
        ChatBackend.ChatRequest again = backend.requests.getLast();
        assertThat(again.systemPrompt()).isEmpty();
        assertThat(again.turns()).containsExactly(new ChatBackend.Turn(Role.USER, "Answer in French.\n\nhello"));
        backend.answer("bonjour");
        pulse.tick();
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("hello", "bonjour");
        // on disk the conversation keeps its system prompt as such, and no trace of the refused answer
        var saved = new ConversationStore(dir).load(vm.conversationId().get());
        assertThat(saved.systemPrompt()).isEqualTo("Answer in French.");
        assertThat(saved.messages()).extracting(StoredMessage::text).containsExactly("hello", "bonjour");
        assertThat(vm.systemPromptInFirstMessage().get()).isTrue();

        // the app restarts: the reopened conversation still puts its system prompt into the first message, says so,
        // and the next question goes as the template takes it, without a refusal to click through again
        var reopened = vm();
        reopened.refreshConversations();
        reopened.open(reopened.conversations().getFirst().id());
        assertThat(reopened.systemPromptInFirstMessage().get()).isTrue();
        reopened.input().set("and now?");
        reopened.send();
        ChatBackend.ChatRequest next = backend.requests.getLast();
        assertThat(next.systemPrompt()).isEmpty();
        assertThat(next.turns()).containsExactly(new ChatBackend.Turn(Role.USER, "Answer in French.\n\nhello"),
                new ChatBackend.Turn(Role.ASSISTANT, "bonjour"), new ChatBackend.Turn(Role.USER, "and now?"));
        backend.answer("maintenant");
        pulse.tick();
        assertThat(reopened.templateRefusal().get()).isEmpty();
        // a new chat asks the template again
        reopened.newChat();
        assertThat(reopened.systemPromptInFirstMessage().get()).isFalse();
    }

    @Test
    void aRefusalWithoutASystemPromptIsAnError() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("hello");
        vm.send();
        backend.listener.templateRefused("Conversation roles must alternate user/assistant/user/assistant/...");
        pulse.tick();
        assertThat(vm.templateRefusal().get()).isEmpty();
        assertThat(vm.error().get()).isEqualTo("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void aTemplateTheEngineCannotRunIsSaidOncePerConversation() {
        backend.template = new ChatBackend.TemplateInfo("unknown tag 'generation'", false);
        loaded.set(backend);
        var vm = vm();
        vm.input().set("one");
        vm.send();
        assertThat(vm.templateFallback().get()).isEqualTo("unknown tag 'generation'");
        backend.answer("x");
        pulse.tick();
        vm.newChat();
        assertThat(vm.templateFallback().get()).isEmpty();
        vm.input().set("two");
        vm.send();
        backend.answer("y");
        pulse.tick();
        assertThat(vm.templateFallback().get()).as("a new conversation is told again").isEqualTo("unknown tag 'generation'");
        vm.input().set("three");
        vm.send();
        // the notice of this conversation stays where it was; it is not raised again
        String id = vm.conversationId().get();
        backend.answer("z");
        pulse.tick();
        vm.newChat();
        vm.open(id);
        vm.input().set("four");
        vm.send();
        assertThat(vm.templateFallback().get()).as("once per conversation").isEmpty();
    }

    @Test
    void thinkingIsShownApartFromTheAnswerTimedSavedAndGivenBackSeparately() {
        backend.template = new ChatBackend.TemplateInfo(null, true);
        loaded.set(backend);
        var vm = vm();
        assertThat(vm.thinkingSwitch().get()).isTrue();
        vm.input().set("?");
        vm.send();
        backend.listener.token("<think>");
        backend.listener.token("abc");
        pulse.tick();
        MessageItem answer = vm.messages().get(1);
        assertThat(answer.thinking().get()).isEqualTo("abc");
        assertThat(answer.thinkingDone().get()).isFalse();
        assertThat(answer.thinkingShown().get()).as("open while it thinks").isTrue();
        assertThat(answer.text().get()).isEmpty();
        backend.listener.token("de</think>xyz");
        backend.listener.done(new ChatBackend.Result(9, 100, 5, false, 10));
        pulse.tick();
        assertThat(answer.thinking().get()).isEqualTo("abcde");
        assertThat(answer.text().get()).isEqualTo("xyz");
        assertThat(answer.thinkingShown().get()).as("folded once the answer began").isFalse();
        assertThat(answer.thinkingMillis().get()).isNotNegative();
        assertThat(answer.stats().get().thinkingMillis()).isEqualTo(answer.thinkingMillis().get());

        vm.thinking().set(false);
        vm.input().set("?");
        vm.send();
        ChatBackend.ChatRequest next = backend.requests.getLast();
        assertThat(next.turns().get(1)).isEqualTo(new ChatBackend.Turn(Role.ASSISTANT, "xyz", "abcde"));
        assertThat(next.messages().get(1).reasoning()).isEqualTo("abcde");
        assertThat(next.templateArgs()).containsEntry("enable_thinking", false);
        backend.answer("xyz");
        pulse.tick();

        var reopened = vm();
        reopened.open(vm.conversationId().get());
        MessageItem saved = reopened.messages().get(1);
        assertThat(saved.thinking().get()).isEqualTo("abcde");
        assertThat(saved.text().get()).isEqualTo("xyz");
        assertThat(saved.thinkingMillis().get()).isEqualTo(answer.thinkingMillis().get());
    }

    @Test
    void jsonModeSendsTheSchemasGrammarAndABadSchemaBlocksSend() {
        loaded.set(backend);
        var vm = vm();
        vm.jsonMode().set(true);
        vm.input().set("hello");
        assertThat(vm.canSend().get()).isTrue();
        vm.send();
        assertThat(backend.requests.getLast().grammar()).isEqualTo(dev.karuku.engine.serve.JsonGrammar.anyJson());
        backend.answer("{}");
        pulse.tick();

        vm.jsonAny().set(false);
        vm.jsonSchema().set("{\"type\": \"object\", \"pattern\": 3");
        vm.input().set("again");
        assertThat(vm.jsonSchemaError().get()).isNotEmpty();
        assertThat(vm.canSend().get()).isFalse();
        vm.jsonSchema().set("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}");
        assertThat(vm.jsonSchemaError().get()).isEmpty();
        vm.send();
        assertThat(backend.requests.getLast().grammar()).contains("root").isNotEqualTo(dev.karuku.engine.serve.JsonGrammar.anyJson());
    }

    @Test
    void customSamplingReachesTheEngine() {
        loaded.set(backend);
        var vm = vm();
        vm.preset().set(SamplingPreset.CUSTOM);
        vm.temperature().set(0.9);
        vm.topP().set(0.8);
        vm.topK().set(20);
        vm.minP().set(0.1);
        vm.repeatPenalty().set(1.3);
        vm.seed().set(42);
        vm.input().set("hi");
        vm.send();
        var p = backend.requests.getLast().generateOptions().sampling();
        assertThat(p.temperature()).isEqualTo(0.9f);
        assertThat(p.topP()).isEqualTo(0.8f);
        assertThat(p.topK()).isEqualTo(20);
        assertThat(p.minP()).isEqualTo(0.1f);
        assertThat(p.repeatPenalty()).isEqualTo(1.3f);
        assertThat(p.seed()).isEqualTo(42);
    }

    @Test
    void settingsSavedPresetsAndEachModelsSamplingAreThereAfterARestart() {
        var prefs = new ChatPreferences(dir.resolve("chat-settings.json"));
        var model = new SimpleObjectProperty<String>("a.gguf");
        var vm = vm();
        vm.useSettings(prefs, model);
        vm.preset().set(SamplingPreset.CUSTOM);
        vm.temperature().set(0.3);
        vm.minP().set(0.2);
        vm.seed().set(7);
        vm.thinking().set(false);
        vm.jsonMode().set(true);
        vm.jsonAny().set(false);
        vm.jsonSchema().set("{\"type\":\"object\"}");
        vm.systemPrompt().set("Be terse.");
        vm.savePreset("Terse");
        model.set("b.gguf");
        vm.preset().set(SamplingPreset.PRECISE);

        var restarted = vm();
        var loadedModel = new SimpleObjectProperty<String>(null);
        restarted.useSettings(new ChatPreferences(dir.resolve("chat-settings.json")), loadedModel);
        assertThat(restarted.preset().get()).as("the last settings in use").isEqualTo(SamplingPreset.PRECISE);
        assertThat(restarted.thinking().get()).isFalse();
        assertThat(restarted.jsonMode().get()).isTrue();
        assertThat(restarted.jsonAny().get()).isFalse();
        assertThat(restarted.jsonSchema().get()).isEqualTo("{\"type\":\"object\"}");
        assertThat(restarted.savedPresets()).containsExactly("Terse");

        loadedModel.set("a.gguf");
        assertThat(restarted.preset().get()).as("a.gguf starts with its own sampling").isEqualTo(SamplingPreset.CUSTOM);
        assertThat(restarted.temperature().get()).isEqualTo(0.3);
        assertThat(restarted.minP().get()).isEqualTo(0.2);
        assertThat(restarted.seed().get()).isEqualTo(7);
        loadedModel.set("b.gguf");
        assertThat(restarted.preset().get()).isEqualTo(SamplingPreset.PRECISE);

        restarted.applySavedPreset("Terse");
        assertThat(restarted.systemPrompt().get()).isEqualTo("Be terse.");
        assertThat(restarted.preset().get()).isEqualTo(SamplingPreset.CUSTOM);
        assertThat(restarted.temperature().get()).isEqualTo(0.3);
        restarted.deleteSavedPreset("Terse");
        assertThat(vmWith(prefs).savedPresets()).isEmpty();
    }

    @Test
    void anUnreadableSettingsFileLeavesTheDefaults() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("chat-settings.json"), "{\"preset\": \"BALAN");
        var vm = vmWith(new ChatPreferences(dir.resolve("chat-settings.json")));
        assertThat(vm.preset().get()).isEqualTo(SamplingPreset.BALANCED);
        assertThat(vm.thinking().get()).isTrue();
    }

    ChatViewModel vmWith(ChatPreferences prefs) {
        var vm = vm();
        vm.useSettings(prefs, new SimpleObjectProperty<>(null));
        return vm;
    }

    @Test
    void regeneratingAndEditingKeepTheEarlierVersionsToGoBackTo() {
        loaded.set(backend);
        var vm = vm();
        vm.input().set("abc");
        vm.send();
        backend.answer("first");
        pulse.tick();
        vm.regenerate();
        backend.answer("second");
        pulse.tick();
        MessageItem answer = vm.messages().get(1);
        assertThat(answer.text().get()).isEqualTo("second");
        assertThat(answer.versions().get()).hasSize(2);
        assertThat(answer.versionIndex()).isEqualTo(1);

        vm.showVersion(answer, -1);
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("abc", "first");
        assertThat(vm.messages().get(1).versionIndex()).isZero();

        vm.input().set("more");
        vm.send();
        backend.answer("third");
        pulse.tick();
        vm.editAndResend(vm.messages().get(2), "other");
        backend.answer("fourth");
        pulse.tick();
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("abc", "first", "other", "fourth");
        MessageItem edited = vm.messages().get(2);
        assertThat(edited.versions().get()).hasSize(2);
        vm.showVersion(edited, -1);
        assertThat(vm.messages()).extracting(m -> m.text().get()).containsExactly("abc", "first", "more", "third");

        // and after a restart
        var reopened = vm();
        reopened.open(vm.conversationId().get());
        assertThat(reopened.messages()).extracting(m -> m.text().get()).containsExactly("abc", "first", "more", "third");
        assertThat(reopened.messages().get(1).versions().get()).hasSize(2);
        reopened.showVersion(reopened.messages().get(1), +1);
        assertThat(reopened.messages()).extracting(m -> m.text().get()).containsExactly("abc", "second");
    }

    @Test
    void aChatIsExportedAsMarkdownAndAsJsonToRealFiles() throws Exception {
        loaded.set(backend);
        var vm = vm();
        vm.systemPrompt().set("Be brief.");
        vm.input().set("2+2?");
        vm.send();
        backend.answer("<think>two and two</think>It is 4.");
        pulse.tick();
        Path md = dir.resolve("out/chat.md"), json = dir.resolve("out/chat.json");
        java.nio.file.Files.createDirectories(md.getParent());
        var labels = new dev.karuku.engine.conversation.ConversationExport.Labels("指示", "あなた", "アシスタント", "思考");
        int[] done = {0};
        vm.export(vm.conversationId().get(), md, false, labels, () -> done[0]++);
        vm.export(vm.conversationId().get(), json, true, labels, () -> done[0]++);
        assertThat(done[0]).isEqualTo(2);
        assertThat(java.nio.file.Files.readString(md)).contains("## 指示\n\nBe brief.", "## あなた\n\n2+2?",
                "<details><summary>思考</summary>\n\ntwo and two", "## アシスタント", "It is 4.");
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(node.get("messages").get(2).get("content").asText()).isEqualTo("It is 4.");
        assertThat(node.get("messages").get(2).get("reasoning_content").asText()).isEqualTo("two and two");
    }

    static final class ManualPulse implements Pulse {
        Runnable onTick;
        boolean running;
        int ticks;

        @Override
        public Ticking start(Runnable onTick) {
            this.onTick = onTick;
            running = true;
            return () -> running = false;
        }

        void tick() {
            if (running) {
                ticks++;
                onTick.run();
            }
        }
    }

    static final class ScriptBackend implements ChatBackend {
        Listener listener;
        boolean stopped;
        final List<ChatRequest> requests = new ArrayList<>();
        /// Each call of [#contextTokens]: what it was asked, and its answer, which the test gives.
        final List<List<Turn>> measured = new ArrayList<>();
        final List<CompletableFuture<Integer>> measurements = new ArrayList<>();
        TemplateInfo template = TemplateInfo.UNKNOWN;

        @Override
        public TemplateInfo templateInfo() {
            return template;
        }

        @Override
        public Generation reply(ChatRequest request, Listener l) {
            requests.add(request);
            listener = l;
            stopped = false;
            return () -> {
                stopped = true;
                l.done(new Result(1, 1, 1, true, 3));
            };
        }

        void answer(String text) {
            listener.token(text);
            listener.done(new Result(text.length(), 100, 5, false, 10));
        }

        @Override
        public int contextLength() {
            return 512;
        }

        @Override
        public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
            measured.add(turns);
            measurements.add(new CompletableFuture<>());
            return measurements.getLast();
        }
    }
}
