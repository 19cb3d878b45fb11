package dev.karuku.app.chat;

import dev.karuku.app.ui.Pulse;
import dev.karuku.app.ui.UiThread;
import dev.karuku.engine.conversation.ConversationStore;
import dev.karuku.engine.conversation.ConversationSummary;
import dev.karuku.engine.conversation.ConversationWriter;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.conversation.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/// The Chat screen: a list of saved conversations, the open conversation's messages, and the reply streaming
/// in. Streamed text is drained once per [Pulse] tick (one UI update per frame, however fast the model) and
/// saved in the same batches on the disk executor, so the conversation is on disk as it streams.
///
/// Threads: every public method runs on the UI thread; disk work goes to `disk` (sequential); the backend
/// calls its listener from its own thread and only touches the [TokenBuffer].
public final class ChatViewModel {
    private static final int TITLE_LENGTH = 48;

    private final ConversationStore store;
    private final Executor disk;
    private final UiThread ui;
    private final Pulse pulse;
    private final ObservableValue<ChatBackend> backend;

    // Properties
    private final ObservableList<ConversationSummary> conversations = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<ConversationSummary> conversationsReadOnly = FXCollections.unmodifiableObservableList(conversations);
    private final ObservableList<MessageItem> messages = FXCollections.observableArrayList();
    // one read-only view, held here: FX's unmodifiable list listens to the backing list weakly, so a fresh one per
    // call could be collected with the views' listeners on it (a page then missed its stops)
    private final ObservableList<MessageItem> messagesReadOnly = FXCollections.unmodifiableObservableList(messages);
    private final ReadOnlyStringWrapper conversationId = new ReadOnlyStringWrapper();
    private final ReadOnlyObjectWrapper<ChatState> state = new ReadOnlyObjectWrapper<>(ChatState.NO_MODEL);
    private final StringProperty input = new SimpleStringProperty("");
    private final StringProperty systemPrompt = new SimpleStringProperty("");
    private final ObjectProperty<SamplingPreset> preset = new SimpleObjectProperty<>(SamplingPreset.BALANCED);
    private final DoubleProperty temperature = new SimpleDoubleProperty(0.7);
    private final DoubleProperty topP = new SimpleDoubleProperty(0.95);
    private final IntegerProperty topK = new SimpleIntegerProperty(40);
    private final IntegerProperty maxTokens = new SimpleIntegerProperty(1024);
    private final ReadOnlyIntegerWrapper contextUsed = new ReadOnlyIntegerWrapper();
    private final ReadOnlyIntegerWrapper contextLength = new ReadOnlyIntegerWrapper();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final javafx.beans.property.ReadOnlyIntegerWrapper unreadableLines = new javafx.beans.property.ReadOnlyIntegerWrapper();
    private final ReadOnlyBooleanWrapper canSend = new ReadOnlyBooleanWrapper();
    private final DoubleProperty minP = new SimpleDoubleProperty(0.05);
    private final DoubleProperty repeatPenalty = new SimpleDoubleProperty(1.1);
    private final IntegerProperty seed = new SimpleIntegerProperty(Sampling.RANDOM_SEED);
    // The model's chat template: what it refused, why it could not be run, whether it can stop thinking
    private final ReadOnlyStringWrapper templateRefusal = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper templateFallback = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper thinkingSwitch = new ReadOnlyBooleanWrapper();
    /// The conversation's system prompt goes into its first user message: its template refuses a system role (kept
    /// with the conversation, so it reopens that way).
    private final ReadOnlyBooleanWrapper systemInFirstMessage = new ReadOnlyBooleanWrapper();
    private final javafx.beans.property.BooleanProperty thinking = new javafx.beans.property.SimpleBooleanProperty(true);
    // JSON mode: replies held to a JSON schema (blank: any JSON object)
    private final javafx.beans.property.BooleanProperty jsonMode = new javafx.beans.property.SimpleBooleanProperty(false);
    private final StringProperty jsonSchema = new SimpleStringProperty("");
    private final javafx.beans.property.BooleanProperty jsonAny = new javafx.beans.property.SimpleBooleanProperty(true);
    private final ReadOnlyStringWrapper jsonSchemaError = new ReadOnlyStringWrapper("");

    // Search across all chats
    private final StringProperty searchQuery = new SimpleStringProperty("");
    private final ObservableList<ConversationStore.SearchHit> searchHits = FXCollections.observableArrayList();
    private final ObservableList<ConversationStore.SearchHit> searchHitsReadOnly = FXCollections.unmodifiableObservableList(searchHits);
    private int searchTicket;

    // Settings kept across restarts ([#useSettings])
    private ChatPreferences preferences;
    private ObservableValue<String> model;
    private final ObservableList<String> savedPresets = FXCollections.observableArrayList();
    private final ObservableList<String> savedPresetsReadOnly = FXCollections.unmodifiableObservableList(savedPresets);
    private final java.util.Map<String, ChatPreferences.Named> saved = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, ChatPreferences.ModelSampling> perModel = new java.util.LinkedHashMap<>();
    /// True while saved settings are put back: that is no change to save.
    private boolean restoring;

    // Streaming state (UI thread)
    private ChatBackend.Generation generation;
    private Pulse.Ticking ticking;
    private boolean generating;
    private String savedSystemPrompt = "";
    /// Conversations (by id, "" for a new one) whose template fallback was shown, for the model now loaded.
    private final java.util.Set<String> fallbackShown = new java.util.HashSet<>();
    /// Counts requests for [#contextUsed]: a measurement is taken only if nothing newer was asked or answered.
    private int contextTicket;
    /// Only touched by disk tasks.
    private ConversationWriter writer;
    /// The log a streaming reply writes to (disk thread only); it stays open until the reply ends.
    private ConversationWriter streamingWriter;

    public ChatViewModel(ConversationStore store, Executor disk, UiThread ui, Pulse pulse, ObservableValue<ChatBackend> backend) {
        this.store = store;
        this.disk = disk;
        this.ui = ui;
        this.pulse = pulse;
        this.backend = backend;
        backend.addListener((o, a, b) -> {
            contextLength.set(b == null ? 0 : b.contextLength());
            fallbackShown.clear();
            templateFallback.set("");
            templateRefusal.set("");
            thinkingSwitch.set(b != null && b.templateInfo().thinkingSwitch());
            updateState();
            if (!generating) measureContext();
        });
        contextLength.set(backend.getValue() == null ? 0 : backend.getValue().contextLength());
        thinkingSwitch.set(backend.getValue() != null && backend.getValue().templateInfo().thinkingSwitch());
        jsonSchema.addListener((o, a, b) -> jsonSchemaError.set(schemaProblem(b)));
        preset.addListener((o, a, p) -> applyPreset(p));
        searchQuery.addListener((o, a, q) -> search(q));
        canSend.bind(Bindings.createBooleanBinding(() -> state.get() == ChatState.READY && !input.get().isBlank()
                && (!jsonMode.get() || jsonAny.get() || jsonSchemaError.get().isEmpty()), state, input, jsonMode, jsonAny, jsonSchemaError));
        updateState();
    }

    public ObservableList<ConversationSummary> conversations() { return conversationsReadOnly; }
    public ObservableList<MessageItem> messages() { return messagesReadOnly; }
    public ReadOnlyStringProperty conversationId() { return conversationId.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ChatState> state() { return state.getReadOnlyProperty(); }
    public StringProperty input() { return input; }
    public StringProperty systemPrompt() { return systemPrompt; }
    public ObjectProperty<SamplingPreset> preset() { return preset; }
    public DoubleProperty temperature() { return temperature; }
    public DoubleProperty topP() { return topP; }
    public IntegerProperty topK() { return topK; }
    public IntegerProperty maxTokens() { return maxTokens; }
    public DoubleProperty minP() { return minP; }
    public DoubleProperty repeatPenalty() { return repeatPenalty; }
    /// The random seed of replies; [Sampling#RANDOM_SEED] for a new one each time.
    public IntegerProperty seed() { return seed; }
    /// The template's own words when it refused the conversation's system prompt (Gemma 2); "" otherwise. While
    /// set, [#putSystemPromptInFirstMessage()] is offered.
    public ReadOnlyStringProperty templateRefusal() { return templateRefusal.getReadOnlyProperty(); }
    /// Why the model's own chat template could not be run (llama.cpp's format is used instead): said once per
    /// conversation and model; "" otherwise.
    public ReadOnlyStringProperty templateFallback() { return templateFallback.getReadOnlyProperty(); }
    /// True when the open conversation's system prompt is sent at the start of its first message
    /// ([#putSystemPromptInFirstMessage()]), also after it is reopened.
    public ReadOnlyBooleanProperty systemPromptInFirstMessage() { return systemInFirstMessage.getReadOnlyProperty(); }
    /// True when the model's template can switch its thinking off ([#thinking()]).
    public ReadOnlyBooleanProperty thinkingSwitch() { return thinkingSwitch.getReadOnlyProperty(); }
    /// Whether a reasoning model thinks before it answers (only where [#thinkingSwitch()]).
    public javafx.beans.property.BooleanProperty thinking() { return thinking; }
    /// Replies are JSON, held to [#jsonSchema()] by a grammar.
    public javafx.beans.property.BooleanProperty jsonMode() { return jsonMode; }
    /// The JSON schema replies follow in JSON mode; blank for any JSON object.
    public StringProperty jsonSchema() { return jsonSchema; }
    /// JSON mode takes any JSON object, whatever [#jsonSchema()] says.
    public javafx.beans.property.BooleanProperty jsonAny() { return jsonAny; }
    /// Why [#jsonSchema()] cannot be used (not JSON, or a keyword a grammar cannot hold to); "" when it can.
    public ReadOnlyStringProperty jsonSchemaError() { return jsonSchemaError.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty contextUsed() { return contextUsed.getReadOnlyProperty(); }
    public ReadOnlyIntegerProperty contextLength() { return contextLength.getReadOnlyProperty(); }
    public ReadOnlyStringProperty error() { return error.getReadOnlyProperty(); }
    /// Lines of the open conversation's log that could not be read and were skipped (0 for a clean log).
    public ReadOnlyIntegerProperty unreadableLines() { return unreadableLines.getReadOnlyProperty(); }

    /// True when Send would do something: a model, no answer streaming, and some text typed. One property kept up
    /// to date for the view model's life: a binding made afresh per call is only weakly held by what binds to it,
    /// and once collected the Send button stopped following the text box.
    public ReadOnlyBooleanProperty canSend() { return canSend.getReadOnlyProperty(); }

    /// What is searched for across all chats; blank: no search ([#searchHits()] empty).
    public StringProperty searchQuery() { return searchQuery; }
    /// The chats that mention [#searchQuery()], most recently updated first.
    public ObservableList<ConversationStore.SearchHit> searchHits() { return searchHitsReadOnly; }

    /// Names of the presets saved with [#savePreset], in the order they were saved.
    public ObservableList<String> savedPresets() { return savedPresetsReadOnly; }

    // Commands

    /// Keeps the screen's settings in `preferences` across restarts, and the sampling last used with each model
    /// (`model` names the loaded one, null for none): a model starts with the sampling it was last used with.
    public void useSettings(ChatPreferences preferences, ObservableValue<String> model) {
        this.preferences = preferences;
        this.model = model;
        ChatPreferences.Data d = preferences.load();
        if (d != null) {
            restoring = true;
            try {
                if (d.preset() != null) applySampling(d.preset(), d.sampling());
                thinking.set(d.thinking());
                jsonMode.set(d.jsonMode());
                jsonAny.set(d.jsonAny());
                jsonSchema.set(d.jsonSchema());
                saved.putAll(d.saved());
                perModel.putAll(d.models());
                savedPresets.setAll(saved.keySet());
            } finally {
                restoring = false;
            }
        }
        if (model.getValue() != null) applyModelSampling(model.getValue());
        model.addListener((o, a, k) -> { if (k != null) applyModelSampling(k); });
        // change listeners, not invalidation ones: those fall silent until someone reads the value again
        javafx.beans.value.ChangeListener<Object> changed = (o, a, b) -> settingsChanged();
        for (ObservableValue<?> p : List.<ObservableValue<?>>of(preset, temperature, topP, topK, maxTokens, minP, repeatPenalty, seed,
                thinking, jsonMode, jsonAny, jsonSchema)) p.addListener(changed);
    }

    /// Saves the system prompt and the sampling as preset `name` (replacing one of that name).
    public void savePreset(String name) {
        if (name == null || name.isBlank()) return;
        saved.put(name.strip(), new ChatPreferences.Named(systemPrompt.get() == null ? "" : systemPrompt.get(), preset.get(), sampling()));
        savedPresets.setAll(saved.keySet());
        settingsChanged();
    }

    /// Puts saved preset `name`'s system prompt and sampling in place.
    public void applySavedPreset(String name) {
        ChatPreferences.Named n = saved.get(name);
        if (n == null) return;
        systemPrompt.set(n.systemPrompt());
        applySampling(n.preset(), n.sampling());
    }

    public void deleteSavedPreset(String name) {
        if (saved.remove(name) == null) return;
        savedPresets.setAll(saved.keySet());
        settingsChanged();
    }

    /// Reads the saved conversations (in the background).
    public void refreshConversations() {
        background(store::list, list -> conversations.setAll(list));
    }

    /// Starts a new, empty conversation (saved once the first message is sent).
    public void newChat() {
        stop();
        closeWriter();
        messages.clear();
        conversationId.set(null);
        systemPrompt.set("");
        savedSystemPrompt = "";
        systemInFirstMessage.set(false);
        templateRefusal.set("");
        templateFallback.set("");
        measureContext();
        error.set("");
        unreadableLines.set(0);
    }

    /// Opens the saved conversation `id`.
    public void open(String id) {
        if (id == null || id.equals(conversationId.get())) return;
        stop();
        closeWriter();
        conversationId.set(id);
        systemInFirstMessage.set(false);
        templateRefusal.set("");
        templateFallback.set("");
        background(() -> {
            var c = store.load(id);
            writer = store.open(id);
            return c;
        }, c -> {
            if (!id.equals(conversationId.get())) return;
            messages.setAll(items(c));
            systemPrompt.set(c.systemPrompt());
            savedSystemPrompt = c.systemPrompt();
            systemInFirstMessage.set(c.systemInFirstMessage());
            measureContext();
            error.set("");
            unreadableLines.set(c.unreadable());
        });
    }

    /// Sends what is typed and streams the reply.
    public void send() {
        String text = input.get().strip();
        if (text.isEmpty() || state.get() != ChatState.READY) return;
        input.set("");
        addUserMessage(text, null);
        startReply(null);
    }

    /// Stops the streaming answer (what arrived so far is kept).
    public void stop() {
        if (generation != null) generation.stop();
    }

    /// Throws away the last answer and asks again.
    public void regenerate() {
        if (state.get() != ChatState.READY || messages.isEmpty()) return;
        MessageItem last = messages.getLast();
        if (last.role() != Role.ASSISTANT) return;
        startReply(branchFrom(messages.size() - 1));
    }

    /// Replaces user message `item` with `newText` and asks again; the earlier message and what followed it stay as
    /// an older version ([#showVersion]).
    public void editAndResend(MessageItem item, String newText) {
        int index = messages.indexOf(item);
        if (index < 0 || item.role() != Role.USER || state.get() != ChatState.READY || newText.isBlank()) return;
        addUserMessage(newText.strip(), branchFrom(index));
        startReply(null);
    }

    /// Shows another version of `item` (`delta` -1: the one before, +1: the one after) with what followed it.
    public void showVersion(MessageItem item, int delta) {
        if (state.get() != ChatState.READY || !messages.contains(item)) return;
        List<String> ids = item.versions().get();
        int at = item.versionIndex() + delta;
        if (ids.isEmpty() || item.versionIndex() < 0 || at < 0 || at >= ids.size()) return;
        String target = ids.get(at);
        String id = conversationId.get();
        if (id == null) return;
        background(() -> {
            writer.select(target);
            return store.load(id);
        }, c -> {
            if (!id.equals(conversationId.get()) || state.get() != ChatState.READY) return;
            messages.setAll(items(c));
            measureContext();
        });
    }

    /// The template refused the system prompt: puts it at the start of the conversation's first message instead (the
    /// saved conversation keeps it as its system prompt, and remembers where it goes) and asks again.
    public void putSystemPromptInFirstMessage() {
        if (templateRefusal.get().isEmpty() || state.get() != ChatState.READY) return;
        templateRefusal.set("");
        systemInFirstMessage.set(true);
        disk.execute(() -> { if (writer != null) writer.systemPromptInFirstMessage(true); });
        if (!messages.isEmpty() && messages.getLast().role() == Role.USER) startReply();
    }

    /// Writes saved conversation `id` to `file`: Markdown (headings in `labels`) or, with `json`, OpenAI's chat
    /// format. `done` is told on the UI thread when it is written.
    public void export(String id, java.nio.file.Path file, boolean json, dev.karuku.engine.conversation.ConversationExport.Labels labels,
                       Runnable done) {
        background(() -> {
            var c = store.load(id);
            String text = json ? dev.karuku.engine.conversation.ConversationExport.json(c)
                    : dev.karuku.engine.conversation.ConversationExport.markdown(c, labels);
            java.nio.file.Files.writeString(file, text);
            return file;
        }, f -> { if (done != null) done.run(); });
    }

    private void search(String q) {
        int ticket = ++searchTicket;
        if (q == null || q.isBlank()) {
            searchHits.clear();
            return;
        }
        background(() -> store.search(q), hits -> { if (ticket == searchTicket) searchHits.setAll(hits); });
    }

    /// Renames saved conversation `id`.
    public void rename(String id, String title) {
        if (title == null || title.isBlank()) return;
        background(() -> {
            store.rename(id, title.strip());
            return store.list();
        }, list -> conversations.setAll(list));
    }

    /// Deletes saved conversation `id`; if it is open, a new chat starts.
    public void delete(String id) {
        if (id.equals(conversationId.get())) newChat();
        background(() -> {
            store.delete(id);
            return store.list();
        }, list -> conversations.setAll(list));
    }

    // Internals

    /// The conversation's shown messages as the screen's items, each with its versions.
    private static List<MessageItem> items(dev.karuku.engine.conversation.Conversation c) {
        List<MessageItem> items = new ArrayList<>(c.messages().size());
        for (StoredMessage m : c.messages()) {
            MessageItem item = new MessageItem(m.role(), m.text(), m.id(), m.stats());
            item.setVersions(c.versionsOf(m.id()));
            if (m.error() != null) item.setError(m.error());
            items.add(item);
        }
        return items;
    }

    /// Where a new version of a message starts: the message it replaces (its versions known on the UI thread).
    private record Branch(MessageItem replaced, List<String> versions) {
        /// The versions once the new one (`newId`) is added; on the disk thread, after the replaced one has its id.
        List<String> with(String newId) {
            List<String> out = new ArrayList<>(versions.isEmpty() ? List.of(replaced.storedId.get()) : versions);
            out.add(newId);
            return out;
        }
    }

    /// Drops message `index` and what follows from the screen; the log keeps them as an older version.
    private Branch branchFrom(int index) {
        MessageItem first = messages.get(index);
        Branch b = new Branch(first, first.versions().get());
        messages.remove(index, messages.size());
        disk.execute(() -> {
            String id = first.storedId.get();
            if (writer != null && id != null) writer.branchFrom(id);
        });
        return b;
    }

    private void addUserMessage(String text, Branch branch) {
        MessageItem user = new MessageItem(Role.USER, text, null, null);
        messages.add(user);
        String prompt = systemPrompt.get() == null ? "" : systemPrompt.get();
        boolean promptChanged = !prompt.equals(savedSystemPrompt);
        savedSystemPrompt = prompt;
        boolean isNew = conversationId.get() == null;
        String title = text.length() > TITLE_LENGTH ? text.substring(0, TITLE_LENGTH).strip() + "…" : text;
        background(() -> {
            if (writer == null) writer = store.create(title);
            if (promptChanged) writer.systemPrompt(prompt);
            user.storedId.set(writer.add(Role.USER, text));
            if (branch != null && branch.replaced().storedId.get() != null) {
                List<String> versions = branch.with(user.storedId.get());
                ui.execute(() -> user.setVersions(versions));
            }
            return isNew ? java.util.Map.entry(writer.id(), store.list()) : null;
        }, created -> {
            if (created != null) {
                conversations.setAll(created.getValue());
                if (conversationId.get() == null) conversationId.set(created.getKey());
            }
        });
    }

    private void truncateFrom(int index) {
        MessageItem first = messages.get(index);
        messages.remove(index, messages.size());
        disk.execute(() -> {
            String id = first.storedId.get();
            if (writer != null && id != null) writer.truncateFrom(id);
        });
    }

    private void startReply() {
        startReply(null);
    }

    /// @param branch the answer this one is a new version of (regenerate), or null
    private void startReply(Branch branch) {
        ChatBackend b = backend.getValue();
        if (b == null) return;
        String grammar;
        try {
            grammar = grammar();
        } catch (IllegalArgumentException e) {
            error.set(e.getMessage());
            return;
        }
        String fallback = b.templateInfo().fallbackReason();
        String key = conversationId.get() == null ? "" : conversationId.get();
        if (fallback != null && fallbackShown.add(key)) templateFallback.set(fallback);
        templateRefusal.set("");
        List<ChatBackend.Turn> turns = turns();
        contextTicket++; // the reply's figure comes with it
        MessageItem answer = new MessageItem(Role.ASSISTANT, "", null, null);
        answer.setStreaming(true);
        messages.add(answer);
        ReplyLog log = new ReplyLog();
        disk.execute(() -> {
            if (writer == null) return;
            log.writer = writer;
            streamingWriter = writer;
            answer.storedId.set(writer.begin(Role.ASSISTANT));
            if (branch != null && branch.replaced().storedId.get() != null) {
                List<String> versions = branch.with(answer.storedId.get());
                ui.execute(() -> answer.setVersions(versions));
            }
        });
        error.set("");
        generating = true;
        updateState();
        TokenBuffer buffer = new TokenBuffer();
        ticking = pulse.start(() -> drain(buffer, answer, log));
        var request = request(turns, grammar);
        try {
            generation = b.reply(request, new ChatBackend.Listener() {
                @Override public void reading(int promptTokens) { ui.execute(() -> answer.setPromptTokens(promptTokens)); }
                @Override public void token(String piece) { buffer.add(piece); }
                @Override public void done(ChatBackend.Result r) { buffer.end(() -> finish(answer, r, log)); }
                @Override public void failed(String message) { buffer.end(() -> fail(answer, message, log)); }
                @Override public void templateRefused(String message) { buffer.end(() -> refused(answer, message, log)); }
            });
        } catch (RuntimeException e) {
            fail(answer, e.getMessage(), log);
        }
    }

    /// The template refused the conversation before the reply began: the empty answer goes, and when there is a
    /// system prompt the way out is offered ([#putSystemPromptInFirstMessage()]); else the template's words are the
    /// error.
    private void refused(MessageItem answer, String message, ReplyLog log) {
        endGeneration(answer);
        int at = messages.indexOf(answer);
        if (at >= 0) truncateFrom(at);
        disk.execute(() -> endLog(log));
        String m = message == null || message.isBlank() ? "?" : message;
        if (!savedSystemPrompt.isBlank() && !systemInFirstMessage.get()) templateRefusal.set(m);
        else error.set(m);
    }

    /// What the backend is asked: the conversation (its system prompt folded into the first message where the
    /// template refuses a system role), the sampling, the template's switches, and a grammar in JSON mode.
    private ChatBackend.ChatRequest request(List<ChatBackend.Turn> turns, String grammar) {
        String system = savedSystemPrompt;
        if (systemInFirstMessage.get() && !system.isBlank()) {
            List<ChatBackend.Turn> folded = new ArrayList<>(turns);
            for (int i = 0; i < folded.size(); i++) {
                if (folded.get(i).role() == Role.USER) {
                    folded.set(i, new ChatBackend.Turn(Role.USER, system + "\n\n" + folded.get(i).text()));
                    break;
                }
            }
            turns = folded;
            system = "";
        }
        java.util.Map<String, Object> args = thinkingSwitch.get() && !thinking.get() ? java.util.Map.of("enable_thinking", false)
                : java.util.Map.of();
        return new ChatBackend.ChatRequest(system, turns, sampling(), grammar, args);
    }

    /// The GBNF grammar replies must match in JSON mode, or null.
    ///
    /// @throws IllegalArgumentException when the schema cannot be used
    private String grammar() {
        if (!jsonMode.get()) return null;
        String schema = jsonSchema.get();
        if (jsonAny.get() || schema == null || schema.isBlank()) return dev.karuku.engine.serve.JsonGrammar.anyJson();
        try {
            return dev.karuku.engine.serve.JsonGrammar.fromSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage());
        }
    }

    private String schemaProblem(String schema) {
        if (schema == null || schema.isBlank()) return "";
        try {
            dev.karuku.engine.serve.JsonGrammar.fromSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema));
            return "";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private void drain(TokenBuffer buffer, MessageItem answer, ReplyLog log) {
        TokenBuffer.Drained d = buffer.drain();
        if (!d.text().isEmpty()) {
            answer.append(d.text());
            String batch = d.text();
            disk.execute(() -> { if (log.writer != null && answer.storedId.get() != null) log.writer.append(answer.storedId.get(), batch); });
        }
        d.endings().forEach(Runnable::run);
    }

    private void finish(MessageItem answer, ChatBackend.Result r, ReplyLog log) {
        MessageStats stats = new MessageStats(r.tokens(), r.tokensPerSecond(), r.firstTokenMillis(), r.stopped(), r.limit(),
                answer.thinkingMillisOrNull(), r.drafted() > 0 ? r.drafted() : null, r.drafted() > 0 ? r.accepted() : null,
                r.drafted() > 0 && r.speedUp() > 0 ? r.speedUp() : null);
        answer.setStats(stats);
        disk.execute(() -> {
            if (log.writer != null && answer.storedId.get() != null) log.writer.finish(answer.storedId.get(), stats);
            endLog(log);
        });
        endGeneration(answer);
        // (no count can be under way for it: startReply outdated those, and none is asked while a reply runs)
        if (!messages.isEmpty() && messages.getLast() == answer) contextUsed.set(r.contextUsed());
        else measureContext(); // another conversation was opened while this reply ran
    }

    private void fail(MessageItem answer, String message, ReplyLog log) {
        String m = message == null || message.isBlank() ? "?" : message;
        disk.execute(() -> {
            // reopened, the answer still says why it ended (not that Karuku closed)
            if (log.writer != null && answer.storedId.get() != null) log.writer.fail(answer.storedId.get(), m);
            endLog(log);
        });
        answer.setError(m);
        error.set(m);
        endGeneration(answer);
    }

    private void endGeneration(MessageItem answer) {
        answer.setStreaming(false);
        if (ticking != null) ticking.close();
        ticking = null;
        generation = null;
        generating = false;
        updateState();
    }

    /// The open conversation's share of the model's context, measured by the model (its tokenizer and chat
    /// template, and the turns that would still fit): after a conversation is opened or a model loaded. Replies
    /// bring their own figure ([ChatBackend.Result#contextUsed()]).
    private void measureContext() {
        int ticket = ++contextTicket;
        ChatBackend b = backend.getValue();
        if (b == null || messages.isEmpty()) {
            contextUsed.set(0);
            return;
        }
        ChatBackend.ChatRequest asked = request(turns(), null);
        b.contextTokens(asked.systemPrompt(), asked.turns(), maxTokens.get()).whenComplete((tokens, failure) -> ui.execute(() -> {
            if (failure == null && ticket == contextTicket) contextUsed.set(tokens);
        }));
    }

    private List<ChatBackend.Turn> turns() {
        return messages.stream().map(m -> new ChatBackend.Turn(m.role(), m.text().get(), m.thinking().get())).toList();
    }

    private void updateState() {
        state.set(generating ? ChatState.GENERATING : backend.getValue() == null ? ChatState.NO_MODEL : ChatState.READY);
    }

    private Sampling sampling() {
        return new Sampling(temperature.get(), topP.get(), topK.get(), repeatPenalty.get(), maxTokens.get(), minP.get(), seed.get());
    }

    private void applyPreset(SamplingPreset p) {
        if (p == null || p.sampling() == null) return;
        temperature.set(p.sampling().temperature());
        topP.set(p.sampling().topP());
        topK.set(p.sampling().topK());
        maxTokens.set(p.sampling().maxTokens());
        minP.set(p.sampling().minP());
        repeatPenalty.set(p.sampling().repeatPenalty());
        seed.set(p.sampling().seed());
    }

    private void applySampling(SamplingPreset p, Sampling s) {
        if (p == null) return;
        preset.set(p);
        if (p != SamplingPreset.CUSTOM || s == null) {
            applyPreset(p);
            return;
        }
        temperature.set(s.temperature());
        topP.set(s.topP());
        topK.set(s.topK());
        maxTokens.set(s.maxTokens());
        minP.set(s.minP());
        repeatPenalty.set(s.repeatPenalty());
        seed.set(s.seed());
    }

    private void applyModelSampling(String key) {
        ChatPreferences.ModelSampling m = perModel.get(key);
        if (m != null) applySampling(m.preset(), m.sampling());
    }

    /// Remembers the settings as they are now (and the sampling for the loaded model), on the disk thread.
    private void settingsChanged() {
        if (restoring || preferences == null) return;
        String key = model == null ? null : model.getValue();
        if (key != null) perModel.put(key, new ChatPreferences.ModelSampling(preset.get(), sampling()));
        ChatPreferences.Data d = new ChatPreferences.Data(preset.get(), sampling(), thinking.get(), jsonMode.get(), jsonAny.get(),
                jsonSchema.get(), saved, perModel);
        ChatPreferences p = preferences;
        disk.execute(() -> {
            try {
                p.save(d);
            } catch (RuntimeException e) {
                System.getLogger("dev.karuku.app.chat").log(System.Logger.Level.ERROR, "Could not save the chat settings", e);
            }
        });
    }

    private void closeWriter() {
        disk.execute(() -> {
            if (writer != null && writer != streamingWriter) writer.close(); // else the reply closes it when it ends
            writer = null;
        });
    }

    /// On the disk thread, when a reply ends: its conversation's log is closed if another one was opened meanwhile.
    private void endLog(ReplyLog log) {
        if (log.writer == null || streamingWriter != log.writer) return;
        streamingWriter = null;
        if (log.writer != writer) log.writer.close();
    }

    /// Where one reply is written: the log of the conversation it belongs to, whichever is open when its tokens
    /// arrive. Touched on the disk thread only.
    private static final class ReplyLog {
        ConversationWriter writer;
    }

    private <T> void background(java.util.concurrent.Callable<T> work, Consumer<T> onUi) {
        disk.execute(() -> {
            try {
                T result = work.call();
                ui.execute(() -> onUi.accept(result));
            } catch (Exception e) {
                System.getLogger("dev.karuku.app.chat").log(System.Logger.Level.ERROR, "Conversation storage failed", e);
                ui.execute(() -> error.set(e.getMessage()));
            }
        });
    }
}
