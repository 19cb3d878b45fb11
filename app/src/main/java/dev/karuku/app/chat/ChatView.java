package dev.karuku.app.chat;

import dev.karuku.app.ui.Fxml;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.conversation.ConversationSummary;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.skin.ListViewSkin;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollToEvent;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/// Code-behind of `chat.fxml`: binds the Chat screen to its [ChatViewModel].
public final class ChatView {
    private final ChatViewModel vm;
    private final Messages messages;
    private final MarkdownView markdown;
    private final BorderPane root;
    private MessageFlow flow;

    @FXML private Button newChatButton;
    @FXML private ListView<ConversationSummary> conversationList;
    @FXML private ComboBox<SamplingPreset> presetBox;
    @FXML private HBox customBox;
    @FXML private Slider temperatureSlider;
    @FXML private Label temperatureLabel;
    @FXML private Spinner<Integer> maxTokensSpinner;
    @FXML private ToggleButton systemPromptToggle;
    @FXML private VBox systemPromptBox;
    @FXML private TextArea systemPromptArea;
    @FXML private ProgressBar contextMeter;
    @FXML private Label contextLabel;
    @FXML private ListView<MessageItem> messageList;
    @FXML private VBox emptyState;
    @FXML private Label emptyTitle;
    @FXML private Label emptyHint;
    @FXML private Label errorLabel;
    @FXML private TextArea inputArea;
    @FXML private Button sendButton;
    @FXML private Button stopButton;
    @FXML private ToggleButton thinkingToggle;
    @FXML private ToggleButton jsonToggle;
    @FXML private VBox jsonBox;
    @FXML private javafx.scene.control.CheckBox anyJsonCheck;
    @FXML private TextArea jsonSchemaArea;
    @FXML private Label jsonSchemaError;
    @FXML private HBox advancedBox;
    @FXML private Spinner<Double> topPSpinner;
    @FXML private Spinner<Integer> topKSpinner;
    @FXML private Spinner<Double> minPSpinner;
    @FXML private Spinner<Double> repeatPenaltySpinner;
    @FXML private javafx.scene.control.TextField seedField;
    @FXML private Label fallbackLabel;
    @FXML private Label foldedLabel;
    @FXML private javafx.scene.control.MenuButton savedMenu;
    @FXML private javafx.scene.control.TextField searchField;
    @FXML private Button shortcutsButton;
    /// The chats found while a search is typed, and the text around each match.
    private final javafx.collections.ObservableList<ConversationSummary> found = javafx.collections.FXCollections.observableArrayList();
    private final java.util.Map<String, String> snippets = new java.util.HashMap<>();
    @FXML private HBox refusalBox;
    @FXML private Label refusalLabel;
    @FXML private Button foldButton;

    public ChatView(ChatViewModel vm, Messages messages, Consumer<String> openLink) {
        this.vm = vm;
        this.messages = messages;
        this.markdown = new MarkdownView(messages.get("chat.copy"), openLink);
        this.root = Fxml.load("/dev/karuku/app/chat/chat.fxml", this, messages);
    }

    public BorderPane root() {
        return root;
    }

    /// Puts the model picker in a row of its own above the toolbar (the toolbar is full at 1280 px).
    public void setModelPicker(javafx.scene.Node picker) {
        ((javafx.scene.layout.Pane) root.lookup(".chat-toolbar").getParent()).getChildren().addFirst(picker);
    }

    /// Puts the cursor in the message box.
    public void focusInput() {
        Platform.runLater(inputArea::requestFocus);
    }

    @FXML
    private void initialize() {
        newChatButton.setOnAction(e -> { vm.newChat(); focusInput(); });
        conversations();
        sampling();
        systemPromptBox.visibleProperty().bind(systemPromptToggle.selectedProperty());
        systemPromptBox.managedProperty().bind(systemPromptToggle.selectedProperty());
        systemPromptArea.textProperty().bindBidirectional(vm.systemPrompt());
        template();
        jsonMode();
        savedPresets();
        search();
        shortcutsButton.setId("chat-shortcuts");
        shortcutsButton.setOnAction(e -> dev.karuku.app.ui.ShortcutsSheet.show(root, messages));

        contextMeter.progressProperty().bind(Bindings.createDoubleBinding(
                () -> vm.contextLength().get() == 0 ? 0 : Math.min(1.0, vm.contextUsed().get() / (double) vm.contextLength().get()),
                vm.contextUsed(), vm.contextLength()));
        contextLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.contextLength().get() > 0
                        ? messages.get("chat.context.value", vm.contextUsed().get(), vm.contextLength().get())
                        // a model on another server says nothing of its context: unknown, not "no model"
                        : messages.get(vm.state().get() == ChatState.NO_MODEL ? "status.noModel" : "chat.context.unknown"),
                vm.contextUsed(), vm.contextLength(), vm.state()));

        messageList.setItems(vm.messages());
        AnswerRenderings renderings = new AnswerRenderings(markdown);
        messageList.setCellFactory(l -> new MessageCell(vm, messages, renderings));
        messageList.setSkin(new ListViewSkin<>(messageList) {
            @Override
            protected VirtualFlow<ListCell<MessageItem>> createVirtualFlow() {
                flow = new MessageFlow();
                return flow;
            }
        });
        messageList.setFocusTraversable(false);
        vm.messages().addListener((ListChangeListener<MessageItem>) c -> {
            while (c.next()) {
                if (c.getRemovedSize() > 0) flow.rowsRemoved(c.getFrom() == 0, vm.messages().size());
            }
            flow.followEnd();
        });
        messageList.addEventFilter(ScrollToEvent.ANY, e -> flow.stopFollowing());
        emptyState.visibleProperty().bind(Bindings.isEmpty(vm.messages()));
        emptyTitle.textProperty().bind(Bindings.createStringBinding(() -> messages.get(
                vm.state().get() == ChatState.NO_MODEL ? "chat.empty.noModel.title" : "chat.empty.title"), vm.state()));
        emptyHint.textProperty().bind(Bindings.createStringBinding(() -> messages.get(
                vm.state().get() == ChatState.NO_MODEL ? "chat.empty.noModel.hint" : "chat.empty.hint"), vm.state()));
        // an error, else a word that part of this chat's file could not be read
        var problem = Bindings.createStringBinding(() -> !vm.error().get().isEmpty() ? vm.error().get()
                : vm.unreadableLines().get() > 0 ? messages.get("chat.unreadable", vm.unreadableLines().get()) : "",
                vm.error(), vm.unreadableLines());
        errorLabel.textProperty().bind(problem);
        errorLabel.managedProperty().bind(problem.isNotEmpty());
        errorLabel.visibleProperty().bind(problem.isNotEmpty());

        inputArea.textProperty().bindBidirectional(vm.input());
        ImeSafeInput.install(inputArea, vm::send);
        sendButton.disableProperty().bind(vm.canSend().not());
        sendButton.setOnAction(e -> { vm.send(); inputArea.requestFocus(); });
        stopButton.setOnAction(e -> vm.stop());
        stopButton.visibleProperty().bind(vm.state().isEqualTo(ChatState.GENERATING));
        stopButton.managedProperty().bind(stopButton.visibleProperty());
        sendButton.visibleProperty().bind(stopButton.visibleProperty().not());
        sendButton.managedProperty().bind(sendButton.visibleProperty());
        inputArea.setId("chat-input");
        sendButton.setId("chat-send");
        stopButton.setId("chat-stop");
        messageList.setId("chat-messages");
        conversationList.setId("chat-conversations");
        systemPromptToggle.setId("chat-system-prompt");
        systemPromptArea.setId("chat-system-prompt-area");
        presetBox.setId("chat-preset");
        vm.refreshConversations();
    }

    private void conversations() {
        conversationList.setItems(vm.conversations());
        conversationList.setCellFactory(l -> {
            ListCell<ConversationSummary> cell = new ListCell<>() {
                private final Label date = new Label();

                {
                    date.getStyleClass().add("conversation-date");
                    setContentDisplay(javafx.scene.control.ContentDisplay.BOTTOM); // the title, then when it was last written
                }

                @Override
                protected void updateItem(ConversationSummary item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty || item == null ? null : item.title().isBlank() ? messages.get("chat.untitled") : item.title());
                    if (empty || item == null || item.updated() == null) {
                        setGraphic(null);
                        return;
                    }
                    String snippet = conversationList.getItems() == found ? snippets.get(item.id()) : null;
                    date.setText(snippet != null ? snippet : when(item.updated()));
                    setGraphic(date);
                }
            };
            // The menu is made when asked for, for the row's conversation at that moment: a ContextMenu is a popup
            // window with its own scene, and every row was given a new one each time the list changed (a first
            // Send adds a conversation and refreshes every row).
            cell.addEventFilter(ContextMenuEvent.CONTEXT_MENU_REQUESTED, e -> {
                ConversationSummary item = cell.isEmpty() ? null : cell.getItem();
                cell.setContextMenu(item == null ? null : conversationMenu(item));
            });
            return cell;
        });
        conversationList.getSelectionModel().selectedItemProperty().addListener((o, a, c) -> {
            if (c != null) vm.open(c.id());
        });
        vm.conversationId().addListener((o, a, id) -> selectConversation(id));
        vm.conversations().addListener((ListChangeListener<ConversationSummary>) c -> selectConversation(vm.conversationId().get()));
    }

    private void selectConversation(String id) {
        if (id == null) {
            conversationList.getSelectionModel().clearSelection();
            return;
        }
        for (ConversationSummary s : vm.conversations()) {
            if (s.id().equals(id) && conversationList.getSelectionModel().getSelectedItem() != s) {
                conversationList.getSelectionModel().select(s);
            }
        }
    }

    /// When a conversation was last written: the time today, else the date, in the user's language.
    private String when(java.time.Instant t) {
        var local = t.atZone(java.time.ZoneId.systemDefault());
        boolean today = local.toLocalDate().equals(java.time.LocalDate.now());
        var format = today ? java.time.format.DateTimeFormatter.ofLocalizedTime(java.time.format.FormatStyle.SHORT)
                : java.time.format.DateTimeFormatter.ofLocalizedDate(java.time.format.FormatStyle.MEDIUM);
        return format.withLocale(messages.locale()).format(local);
    }

    private ContextMenu conversationMenu(ConversationSummary item) {
        MenuItem rename = new MenuItem(messages.get("chat.rename"));
        rename.setOnAction(e -> rename(item));
        MenuItem delete = new MenuItem(messages.get("chat.delete"));
        delete.setOnAction(e -> delete(item));
        MenuItem markdown = new MenuItem(messages.get("chat.export.markdown"));
        markdown.setOnAction(e -> export(item, false));
        MenuItem json = new MenuItem(messages.get("chat.export.json"));
        json.setOnAction(e -> export(item, true));
        return new ContextMenu(rename, markdown, json, delete);
    }

    /// Asks where to save `item` as Markdown or JSON, then writes it.
    private void export(ConversationSummary item, boolean json) {
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle(messages.get(json ? "chat.export.json" : "chat.export.markdown"));
        String base = (item.title().isBlank() ? messages.get("chat.untitled") : item.title()).replaceAll("[\\\\/:*?\"<>|]", "_");
        chooser.setInitialFileName(base + (json ? ".json" : ".md"));
        chooser.getExtensionFilters().add(json ? new javafx.stage.FileChooser.ExtensionFilter("JSON", "*.json")
                : new javafx.stage.FileChooser.ExtensionFilter("Markdown", "*.md"));
        java.io.File file = chooser.showSaveDialog(root.getScene().getWindow());
        if (file == null) return;
        vm.export(item.id(), file.toPath(), json, new dev.karuku.engine.conversation.ConversationExport.Labels(
                messages.get("chat.systemPrompt"), messages.get("chat.role.user"), messages.get("chat.role.assistant"),
                messages.get("chat.thinking.toggle")), null);
    }

    /// The search box above the chats: while it holds text, the list shows the chats that mention it, each with
    /// the words around the match.
    private void search() {
        searchField.setId("chat-search");
        searchField.textProperty().bindBidirectional(vm.searchQuery());
        vm.searchHits().addListener((ListChangeListener<dev.karuku.engine.conversation.ConversationStore.SearchHit>) c -> {
            snippets.clear();
            vm.searchHits().forEach(h -> snippets.put(h.conversation().id(), h.snippet()));
            found.setAll(vm.searchHits().stream().map(dev.karuku.engine.conversation.ConversationStore.SearchHit::conversation).toList());
        });
        vm.searchQuery().addListener((o, a, q) -> {
            var want = q == null || q.isBlank() ? vm.conversations() : found;
            if (conversationList.getItems() != want) conversationList.setItems(want);
        });
    }

    private void rename(ConversationSummary item) {
        dev.karuku.app.ui.Dialogs.ask(root, messages, messages.get("chat.rename"), messages.get("chat.rename.header"), item.title())
                .ifPresent(t -> vm.rename(item.id(), t));
    }

    private void delete(ConversationSummary item) {
        if (dev.karuku.app.ui.Dialogs.confirm(root, messages, messages.get("chat.delete"),
                messages.get("chat.delete.confirm", item.title()), "chat.delete")) vm.delete(item.id());
    }

    /// What the model's template refused or could not run, the way out of a refusal, and its thinking switch.
    private void template() {
        refusalLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.templateRefusal().get().isEmpty() ? ""
                : messages.get("chat.template.refused", vm.templateRefusal().get()), vm.templateRefusal()));
        refusalBox.visibleProperty().bind(vm.templateRefusal().isNotEmpty());
        refusalBox.managedProperty().bind(refusalBox.visibleProperty());
        foldButton.setOnAction(e -> vm.putSystemPromptInFirstMessage());
        foldButton.setId("chat-fold-system");
        fallbackLabel.textProperty().bind(Bindings.createStringBinding(() -> vm.templateFallback().get().isEmpty() ? ""
                : messages.get("chat.template.fallback", vm.templateFallback().get()), vm.templateFallback()));
        fallbackLabel.visibleProperty().bind(vm.templateFallback().isNotEmpty());
        fallbackLabel.managedProperty().bind(fallbackLabel.visibleProperty());
        fallbackLabel.setId("chat-template-fallback");
        var folded = vm.systemPromptInFirstMessage().and(vm.systemPrompt().isNotEmpty());
        foldedLabel.textProperty().bind(Bindings.when(folded).then(messages.get("chat.template.folded")).otherwise(""));
        foldedLabel.visibleProperty().bind(folded);
        foldedLabel.managedProperty().bind(foldedLabel.visibleProperty());
        foldedLabel.setId("chat-template-folded");
        thinkingToggle.selectedProperty().bindBidirectional(vm.thinking());
        thinkingToggle.visibleProperty().bind(vm.thinkingSwitch());
        thinkingToggle.managedProperty().bind(thinkingToggle.visibleProperty());
        thinkingToggle.setId("chat-thinking");
    }

    /// The presets saved by name: pick one, save the current settings under a name, delete one. The menu is made
    /// when it opens, from the names saved then.
    private void savedPresets() {
        savedMenu.setId("chat-saved");
        savedMenu.setOnShowing(e -> {
            savedMenu.getItems().clear();
            for (String name : vm.savedPresets()) {
                MenuItem use = new MenuItem(name);
                use.setOnAction(a -> vm.applySavedPreset(name));
                savedMenu.getItems().add(use);
            }
            if (!vm.savedPresets().isEmpty()) savedMenu.getItems().add(new javafx.scene.control.SeparatorMenuItem());
            MenuItem save = new MenuItem(messages.get("chat.saved.save"));
            save.setId("chat-saved-save");
            save.setOnAction(a -> dev.karuku.app.ui.Dialogs.ask(root, messages, messages.get("chat.saved.save"),
                    messages.get("chat.saved.save.header"), "").ifPresent(vm::savePreset));
            savedMenu.getItems().add(save);
            if (!vm.savedPresets().isEmpty()) {
                javafx.scene.control.Menu delete = new javafx.scene.control.Menu(messages.get("chat.saved.delete"));
                for (String name : vm.savedPresets()) {
                    MenuItem d = new MenuItem(name);
                    d.setOnAction(a -> vm.deleteSavedPreset(name));
                    delete.getItems().add(d);
                }
                savedMenu.getItems().add(delete);
            }
        });
        // a MenuButton shows no menu without items: one to start with
        savedMenu.getItems().add(new MenuItem(messages.get("chat.saved.save")));
    }

    private void jsonMode() {
        jsonToggle.selectedProperty().bindBidirectional(vm.jsonMode());
        jsonToggle.setId("chat-json");
        jsonBox.visibleProperty().bind(vm.jsonMode());
        jsonBox.managedProperty().bind(vm.jsonMode());
        anyJsonCheck.selectedProperty().bindBidirectional(vm.jsonAny());
        anyJsonCheck.setId("chat-json-any");
        jsonSchemaArea.textProperty().bindBidirectional(vm.jsonSchema());
        jsonSchemaArea.disableProperty().bind(vm.jsonAny());
        jsonSchemaArea.setId("chat-json-schema");
        var problem = Bindings.createStringBinding(() -> vm.jsonAny().get() || vm.jsonSchemaError().get().isEmpty() ? ""
                : messages.get("chat.json.invalid", vm.jsonSchemaError().get()), vm.jsonAny(), vm.jsonSchemaError());
        jsonSchemaError.textProperty().bind(problem);
        jsonSchemaError.visibleProperty().bind(problem.isNotEmpty());
        jsonSchemaError.managedProperty().bind(problem.isNotEmpty());
    }

    private void sampling() {
        presetBox.getItems().setAll(SamplingPreset.values());
        presetBox.setConverter(new StringConverter<>() {
            @Override public String toString(SamplingPreset p) { return p == null ? "" : messages.get(p.messageKey()); }
            @Override public SamplingPreset fromString(String s) { return null; }
        });
        presetBox.valueProperty().bindBidirectional(vm.preset());
        customBox.visibleProperty().bind(vm.preset().isEqualTo(SamplingPreset.CUSTOM));
        customBox.managedProperty().bind(customBox.visibleProperty());
        temperatureSlider.valueProperty().bindBidirectional(vm.temperature());
        temperatureLabel.textProperty().bind(vm.temperature().asString(messages.locale(), "%.2f"));
        var factory = new SpinnerValueFactory.IntegerSpinnerValueFactory(16, 32768, vm.maxTokens().get(), 64);
        maxTokensSpinner.setValueFactory(factory);
        factory.valueProperty().addListener((o, a, v) -> { if (v != null) vm.maxTokens().set(v); });
        vm.maxTokens().addListener((o, a, v) -> factory.setValue(v.intValue()));
        advancedBox.visibleProperty().bind(customBox.visibleProperty());
        advancedBox.managedProperty().bind(customBox.visibleProperty());
        doubleSpinner(topPSpinner, vm.topP(), 0.01, 1, 0.05, "chat-top-p");
        doubleSpinner(minPSpinner, vm.minP(), 0, 1, 0.01, "chat-min-p");
        doubleSpinner(repeatPenaltySpinner, vm.repeatPenalty(), 0.5, 2, 0.05, "chat-repeat-penalty");
        var k = new SpinnerValueFactory.IntegerSpinnerValueFactory(0, 1000, vm.topK().get(), 5);
        topKSpinner.setValueFactory(k);
        topKSpinner.setId("chat-top-k");
        k.valueProperty().addListener((o, a, v) -> { if (v != null) vm.topK().set(v); });
        vm.topK().addListener((o, a, v) -> k.setValue(v.intValue()));
        seedField.setId("chat-seed");
        seedField.setText(vm.seed().get() < 0 ? "" : String.valueOf(vm.seed().get()));
        seedField.textProperty().addListener((o, a, t) -> {
            try {
                vm.seed().set(t.isBlank() ? Sampling.RANDOM_SEED : Math.max(0, Integer.parseInt(t.strip())));
            } catch (NumberFormatException e) {
                vm.seed().set(Sampling.RANDOM_SEED);
            }
        });
        vm.seed().addListener((o, a, v) -> {
            String want = v.intValue() < 0 ? "" : String.valueOf(v.intValue());
            if (!want.equals(seedField.getText().strip())) seedField.setText(want);
        });
    }

    private void doubleSpinner(Spinner<Double> spinner, javafx.beans.property.DoubleProperty value, double min, double max,
                               double step, String id) {
        var f = new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, value.get(), step);
        f.setConverter(new StringConverter<>() {
            @Override public String toString(Double d) { return d == null ? "" : String.format(messages.locale(), "%.2f", d); }
            @Override public Double fromString(String s) {
                try {
                    return java.text.NumberFormat.getInstance(messages.locale()).parse(s.strip()).doubleValue();
                } catch (java.text.ParseException e) {
                    return f.getValue();
                }
            }
        });
        spinner.setValueFactory(f);
        spinner.setId(id);
        f.valueProperty().addListener((o, a, v) -> { if (v != null) value.set(v); });
        value.addListener((o, a, v) -> f.setValue(v.doubleValue()));
    }

}
