package dev.karuku.app.chat;

import dev.karuku.app.ui.Messages;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import javafx.beans.InvalidationListener;
import javafx.beans.WeakInvalidationListener;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// One message in the virtualised message list. A cell is reused for many messages as the list scrolls, so it
/// re-binds on every `updateItem` and renders the Markdown again only when the text changes (once per pulse
/// while streaming), rebuilding only the blocks that changed ([MarkdownView.Live]).
final class MessageCell extends ListCell<MessageItem> {
    private final ChatViewModel vm;
    private final Messages messages;
    private final MarkdownView.Live answer;
    private final VBox bubble = new VBox();
    private final Label role = new Label();
    private final VBox body = new VBox();
    private final Label stats = new Label();
    private final Label error = new Label();
    private final HBox actions = new HBox(2);
    private final Button copy;
    private final Button edit;
    private final Button regenerate;
    private final InvalidationListener onText = o -> render();
    private final ChangeListener<Object> onMeta = (o, a, b) -> renderMeta();
    /// The actions depend on whether an answer is streaming; weak, as cells come and go with the list's skin.
    private final InvalidationListener onState = o -> renderMeta();
    private MessageItem bound;
    /// False from the moment this cell shows another message until [MessageFlow] has styled it as a whole.
    private boolean styled;

    MessageCell(ChatViewModel vm, Messages messages, MarkdownView markdown) {
        this.vm = vm;
        this.messages = messages;
        this.answer = markdown.live();
        vm.state().addListener(new WeakInvalidationListener(onState));
        copy = iconButton(Feather.COPY, "chat.copy");
        edit = iconButton(Feather.EDIT_2, "chat.edit");
        regenerate = iconButton(Feather.REFRESH_CW, "chat.regenerate");
        role.getStyleClass().add("bubble-role");
        stats.getStyleClass().add("bubble-stats");
        error.getStyleClass().add("bubble-error");
        error.setWrapText(true);
        actions.getStyleClass().add("bubble-actions");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox footer = new HBox(8, stats, spacer, actions);
        footer.setAlignment(Pos.CENTER_LEFT);
        bubble.getChildren().addAll(role, body, error, footer);
        bubble.getStyleClass().add("bubble");
        bubble.maxWidthProperty().bind(widthProperty().subtract(48));
        bubble.prefWidthProperty().bind(widthProperty().subtract(48));
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(bound == null ? "" : bound.text().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        edit.setOnAction(e -> startEditing());
        regenerate.setOnAction(e -> vm.regenerate());
        setPrefWidth(0);
    }

    @Override
    protected void updateItem(MessageItem item, boolean empty) {
        super.updateItem(item, empty);
        styled = false;
        if (bound != null) {
            bound.text().removeListener(onText);
            bound.stats().removeListener(onMeta);
            bound.streaming().removeListener(onMeta);
            bound.error().removeListener(onMeta);
        }
        bound = empty ? null : item;
        if (bound == null) {
            setGraphic(null);
            return;
        }
        bound.text().addListener(onText);
        bound.stats().addListener(onMeta);
        bound.streaming().addListener(onMeta);
        bound.error().addListener(onMeta);
        boolean user = bound.role() == Role.USER;
        bubble.getStyleClass().removeAll("bubble-user", "bubble-assistant");
        bubble.getStyleClass().add(user ? "bubble-user" : "bubble-assistant");
        role.setText(messages.get(user ? "chat.role.user" : "chat.role.assistant"));
        role.setGraphic(new FontIcon(user ? Feather.USER : Feather.FEATHER));
        render();
        setGraphic(bubble);
    }

    boolean styled() {
        return styled;
    }

    void markStyled() {
        styled = true;
    }

    private void render() {
        if (bound == null) return;
        String text = bound.text().get();
        if (bound.role() == Role.USER) {
            Label plain = new Label(text);
            plain.setWrapText(true);
            plain.getStyleClass().add("user-text");
            body.getChildren().setAll(plain);
        } else {
            answer.show(text.isEmpty() && bound.streaming().get() ? "…" : text);
            if (body.getChildren().size() != 1 || body.getChildren().getFirst() != answer.node()) body.getChildren().setAll(answer.node());
        }
        renderMeta();
    }

    private void renderMeta() {
        if (bound == null) return;
        MessageStats s = bound.stats().get();
        stats.setText(s == null ? "" : messages.get(s.stopped() ? "chat.stats.stopped" : "chat.stats",
                s.tokens(), String.format(messages.locale(), "%.1f", s.tokensPerSecond()), s.firstTokenMillis()));
        error.setText(bound.error().get());
        error.setManaged(!bound.error().get().isEmpty());
        boolean idle = vm.state().get() != ChatState.GENERATING;
        boolean last = getIndex() == vm.messages().size() - 1;
        actions.getChildren().setAll(copy);
        if (bound.role() == Role.USER && idle) actions.getChildren().add(edit);
        if (bound.role() == Role.ASSISTANT && last && idle && !bound.streaming().get()) actions.getChildren().add(regenerate);
    }

    private void startEditing() {
        MessageItem item = bound;
        TextArea area = new TextArea(item.text().get());
        area.setWrapText(true);
        area.setPrefRowCount(3);
        Button resend = new Button(messages.get("chat.edit.resend"), new FontIcon(Feather.SEND));
        resend.getStyleClass().add("accent");
        Button cancel = new Button(messages.get("chat.edit.cancel"));
        resend.setOnAction(e -> vm.editAndResend(item, area.getText()));
        cancel.setOnAction(e -> render());
        HBox buttons = new HBox(8, resend, cancel);
        body.getChildren().setAll(area, buttons);
        area.requestFocus();
    }

    private Button iconButton(Feather icon, String tooltipKey) {
        Button b = new Button(null, new FontIcon(icon));
        b.getStyleClass().addAll("flat", "button-icon");
        b.setTooltip(new Tooltip(messages.get(tooltipKey)));
        b.setAccessibleText(messages.get(tooltipKey));
        b.setId(tooltipKey.replace('.', '-'));
        return b;
    }
}
