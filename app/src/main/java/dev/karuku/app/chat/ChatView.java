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

        contextMeter.progressProperty().bind(Bindings.createDoubleBinding(
                () -> vm.contextLength().get() == 0 ? 0 : Math.min(1.0, vm.contextUsed().get() / (double) vm.contextLength().get()),
                vm.contextUsed(), vm.contextLength()));
        contextLabel.textProperty().bind(Bindings.createStringBinding(
                () -> vm.contextLength().get() == 0 ? messages.get("status.noModel")
                        : messages.get("chat.context.value", vm.contextUsed().get(), vm.contextLength().get()),
                vm.contextUsed(), vm.contextLength()));

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
                    date.setText(when(item.updated()));
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
        return new ContextMenu(rename, delete);
    }

    private void rename(ConversationSummary item) {
        dev.karuku.app.ui.Dialogs.ask(root, messages, messages.get("chat.rename"), messages.get("chat.rename.header"), item.title())
                .ifPresent(t -> vm.rename(item.id(), t));
    }

    private void delete(ConversationSummary item) {
        if (dev.karuku.app.ui.Dialogs.confirm(root, messages, messages.get("chat.delete"),
                messages.get("chat.delete.confirm", item.title()), "chat.delete")) vm.delete(item.id());
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
    }

}
