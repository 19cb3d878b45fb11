package dev.karuku.app.chat;

import dev.karuku.app.ui.LazyTooltip;
import dev.karuku.app.ui.Formats;
import dev.karuku.app.ui.Messages;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import javafx.beans.InvalidationListener;
import javafx.beans.WeakInvalidationListener;
import javafx.beans.value.ChangeListener;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// One message in the virtualised message list. A cell is reused for many messages as the list scrolls, so it
/// re-binds on every `updateItem`. An answer's Markdown is rendered once per answer ([AnswerRenderings]) and
/// follows its text, rebuilding only the blocks that changed ([MarkdownView.Live]); a cell given an answer takes
/// those nodes from the cell that had them. A cell out of the scene renders nothing until it is back.
final class MessageCell extends ListCell<MessageItem> {
    private final ChatViewModel vm;
    private final Messages messages;
    /// The height of an empty row. JavaFX fills the list's free space below the last message with empty cells;
    /// at their natural height (their padding) a short conversation got a hundred of them, each made with its
    /// buttons, in one frame (up to ~0.5 s, measured).
    private static final double EMPTY_ROW = 64;
    /// How much narrower than its row a bubble is (room for the cell's padding and the list's scroll bar).
    private static final double BUBBLE_INSET = 48;
    private final AnswerRenderings renderings;
    /// The rendering of the answer this cell shows (null for a user's message); its nodes can be taken by another
    /// cell that is given the same answer, see [#showsItsMessage()].
    private MarkdownView.Live answer;
    /// The bubble's nodes, made when the cell is first given a message: most cells JavaFX makes are the empty rows
    /// below a short conversation, and a new conversation's first Send makes them all again.
    private Bubble ui;
    private final InvalidationListener onText = o -> render(false);
    private final ChangeListener<Object> onMeta = (o, a, b) -> renderMeta();
    /// The actions depend on whether an answer is streaming; weak, as cells come and go with the list's skin.
    private final InvalidationListener onState = o -> renderMeta();
    private final InvalidationListener onThinking = o -> renderThinking();
    private MessageItem bound;
    /// False from the moment this cell shows another message until [MessageFlow] has styled it as a whole.
    private boolean styled;
    /// True when the text changed while the cell was out of the scene, and was not rendered then. JavaFX's flow
    /// drops cells from its sheet (the empty cells that filled the list while it was short, among others) that stay
    /// bound to their row: such a cell is given the message that arrives at its row, and rendered every pulse of
    /// that answer, unseen, beside the cell that shows it.
    private boolean stale;

    MessageCell(ChatViewModel vm, Messages messages, AnswerRenderings renderings) {
        this.vm = vm;
        this.messages = messages;
        this.renderings = renderings;
        vm.state().addListener(new WeakInvalidationListener(onState));
        setPrefWidth(0);
    }

    /// The nodes of a message's bubble: its role, the message, an error or a notice (the context filled up), its
    /// stats and the action buttons.
    private final class Bubble {
        final VBox bubble = new VBox();
        final Label role = new Label();
        final FontIcon userIcon = new FontIcon(Feather.USER);
        final FontIcon assistantIcon = new FontIcon(Feather.FEATHER);
        final VBox body = new VBox();
        final Label stats = new Label();
        final Label error = new Label();
        final Label notice = new Label();
        final HBox actions = new HBox(2);
        final Button copy = iconButton(Feather.COPY, "chat.copy");
        final Button edit = iconButton(Feather.EDIT_2, "chat.edit");
        final Button regenerate = iconButton(Feather.REFRESH_CW, "chat.regenerate");
        /// A reasoning model's thinking: a header that opens and closes it, with how long it took.
        final Button thinkingHeader = new Button();
        final Label thinkingText = new Label();
        final VBox thinking = new VBox(4, thinkingHeader, thinkingText);
        /// ‹ 1/2 ›: the versions of a regenerated answer or an edited message.
        final Button previousVersion = iconButton(Feather.CHEVRON_LEFT, "chat.version.previous");
        final Button nextVersion = iconButton(Feather.CHEVRON_RIGHT, "chat.version.next");
        final Label version = new Label();
        final HBox versions = new HBox(2, previousVersion, version, nextVersion);

        Bubble() {
            role.getStyleClass().add("bubble-role");
            stats.getStyleClass().add("bubble-stats");
            stats.setWrapText(true); // a speculative reply's stats are long: wrapped, never cut off with "…"
            stats.setMinHeight(Region.USE_PREF_SIZE);
            error.getStyleClass().add("bubble-error");
            error.setWrapText(true);
            notice.getStyleClass().add("bubble-notice");
            notice.setWrapText(true);
            actions.getStyleClass().add("bubble-actions");
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            versions.setAlignment(Pos.CENTER_LEFT);
            versions.getStyleClass().add("bubble-versions");
            version.getStyleClass().add("bubble-stats");
            version.setId("chat-version");
            previousVersion.setOnAction(e -> { if (bound != null) vm.showVersion(bound, -1); });
            nextVersion.setOnAction(e -> { if (bound != null) vm.showVersion(bound, +1); });
            HBox footer = new HBox(8, versions, stats, spacer, actions);
            footer.setAlignment(Pos.CENTER_LEFT);
            thinkingHeader.getStyleClass().addAll("flat", "thinking-header");
            thinkingHeader.setId("chat-thinking-header");
            thinkingHeader.setOnAction(e -> { if (bound != null) bound.thinkingShown().set(!bound.thinkingShown().get()); });
            thinkingText.getStyleClass().add("thinking-text");
            thinkingText.setWrapText(true);
            thinkingText.setId("chat-thinking-text");
            thinking.getStyleClass().add("thinking");
            bubble.getChildren().addAll(role, thinking, body, error, notice, footer);
            bubble.getStyleClass().add("bubble");
            bubble.maxWidthProperty().bind(widthProperty().subtract(BUBBLE_INSET));
            bubble.prefWidthProperty().bind(widthProperty().subtract(BUBBLE_INSET));
            copy.setOnAction(e -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(bound == null ? "" : bound.text().get());
                Clipboard.getSystemClipboard().setContent(c);
            });
            edit.setOnAction(e -> startEditing());
            regenerate.setOnAction(e -> vm.regenerate());
        }
    }

    /// The height the bubble needs at the width it is given (the cell's less [#BUBBLE_INSET]). JavaFX's cell skin
    /// measures a graphic at the cell's whole width, where text wraps into fewer lines than the bubble then has room
    /// for: the bubble was laid out shorter than its content, and a wrapped notice or error showed one elided line.
    @Override
    protected double computePrefHeight(double width) {
        if (ui == null || getGraphic() != ui.bubble || width < 0) return super.computePrefHeight(width);
        return snappedTopInset() + ui.bubble.prefHeight(width - BUBBLE_INSET) + snappedBottomInset();
    }

    @Override
    protected void updateItem(MessageItem item, boolean empty) {
        super.updateItem(item, empty);
        styled = false;
        if (bound != null) {
            bound.text().removeListener(onText);
            bound.promptTokens().removeListener(onText);
            bound.stats().removeListener(onMeta);
            bound.streaming().removeListener(onMeta);
            bound.error().removeListener(onMeta);
            bound.versions().removeListener(onMeta);
            bound.thinking().removeListener(onThinking);
            bound.thinkingDone().removeListener(onThinking);
            bound.thinkingShown().removeListener(onThinking);
            bound.thinkingMillis().removeListener(onThinking);
        }
        bound = empty ? null : item;
        if (bound == null) {
            setGraphic(null);
            setPrefHeight(EMPTY_ROW);
            return;
        }
        setPrefHeight(USE_COMPUTED_SIZE);
        bound.text().addListener(onText);
        bound.promptTokens().addListener(onText);
        bound.stats().addListener(onMeta);
        bound.streaming().addListener(onMeta);
        bound.error().addListener(onMeta);
        bound.versions().addListener(onMeta);
        bound.thinking().addListener(onThinking);
        bound.thinkingDone().addListener(onThinking);
        bound.thinkingShown().addListener(onThinking);
        bound.thinkingMillis().addListener(onThinking);
        boolean user = bound.role() == Role.USER;
        answer = user ? null : renderings.of(bound);
        if (ui == null) ui = new Bubble();
        String kind = user ? "bubble-user" : "bubble-assistant";
        if (!ui.bubble.getStyleClass().contains(kind)) {
            ui.bubble.getStyleClass().removeAll("bubble-user", "bubble-assistant");
            ui.bubble.getStyleClass().add(kind);
        }
        ui.role.setText(messages.get(user ? "chat.role.user" : "chat.role.assistant"));
        FontIcon icon = user ? ui.userIcon : ui.assistantIcon;
        if (ui.role.getGraphic() != icon) ui.role.setGraphic(icon);
        render(true);
        renderThinking();
        setGraphic(ui.bubble);
    }

    /// The thinking's header ("Thinking…", "Thought for 3.2 s") and, when opened, its text.
    private void renderThinking() {
        if (bound == null || ui == null) return;
        boolean has = bound.role() == Role.ASSISTANT && (!bound.thinking().get().isEmpty() || !bound.thinkingDone().get());
        ui.thinking.setVisible(has);
        ui.thinking.setManaged(has);
        if (!has) return;
        boolean shown = bound.thinkingShown().get();
        String title = !bound.thinkingDone().get() ? messages.get(bound.streaming().get() ? "chat.thinking.running" : "chat.thinking.stopped")
                : bound.thinkingMillis().get() >= 0 ? messages.get("chat.thinking.done", Formats.millis(messages, bound.thinkingMillis().get()))
                : messages.get("chat.thinking.toggle");
        ui.thinkingHeader.setText(title);
        FontIcon chevron = new FontIcon(shown ? Feather.CHEVRON_DOWN : Feather.CHEVRON_RIGHT);
        ui.thinkingHeader.setGraphic(chevron);
        ui.thinkingText.setText(bound.thinking().get());
        ui.thinkingText.setVisible(shown);
        ui.thinkingText.setManaged(shown);
    }

    /// False when the cell's text changed while it was out of the scene, or another cell has since taken this
    /// answer's nodes (it was given the same answer, as JavaFX's list does when it measures rows or moves them
    /// between cells): the cell must render again before it is laid out.
    boolean showsItsMessage() {
        return !stale && (answer == null || answer.node().getParent() == ui.body);
    }

    /// Renders the message again, taking the answer's nodes back from the cell that has them.
    void showAgain() {
        styled = false;
        render(true);
    }

    boolean styled() {
        return styled;
    }

    void markStyled() {
        styled = true;
    }

    /// @param placing true when the list puts the cell at its row (it takes the answer's nodes wherever they are);
    ///                false when the text changed (it leaves them to a cell on screen that shows the same answer)
    private void render(boolean placing) {
        if (bound == null) return;
        if (getScene() == null) {
            stale = true;
            return;
        }
        String text = bound.text().get();
        if (bound.role() == Role.USER) {
            Label plain = new Label(text);
            plain.setWrapText(true);
            plain.getStyleClass().add("user-text");
            ui.body.getChildren().setAll(plain);
        } else {
            Node nodes = answer.node();
            boolean mine = nodes.getParent() == ui.body;
            if (!mine && !placing && !mayTake(nodes)) {
                stale = true;
                return;
            }
            // before the first token: what the model is doing (a cold model can take many seconds), not a bare "…"
            answer.show(text.isEmpty() && bound.streaming().get() ? (bound.promptTokens().get() < 0 ? messages.get("chat.status.preparing")
                    : messages.get("chat.status.reading", bound.promptTokens().get())) : text);
            if (!mine) ui.body.getChildren().setAll(nodes);
        }
        stale = false;
        // the stats, the error and the buttons follow their own properties: not every pulse of a streaming answer
        if (placing) renderMeta();
    }

    /// Whether this cell may take an answer's nodes from the cell that has them: not from a cell on screen that
    /// shows the same answer, unless this one is on screen too.
    private boolean mayTake(Node nodes) {
        MessageCell holder = null;
        for (Node n = nodes.getParent(); n != null && holder == null; n = n.getParent()) {
            if (n instanceof MessageCell c) holder = c;
        }
        return holder == null || holder.bound != bound || !holder.onScreen() || onScreen();
    }

    /// In the list's sheet and visible: spare cells are hidden, and the list's measuring cell sits in a hidden group.
    private boolean onScreen() {
        return getScene() != null && isVisible() && getParent() != null && getParent().isVisible();
    }

    /// What speculative decoding did for the answer: the drafted tokens the model accepted, and the speed-up over
    /// this model's measured speed without it when there is one ("" for an answer without speculation).
    private String drafting(MessageStats s) {
        if (s == null || s.draftedTokens() == null || s.draftedTokens() == 0) return "";
        String accepted = messages.get("chat.stats.drafted", s.acceptedTokens(), s.draftedTokens());
        return " · " + (s.speedUp() == null ? accepted
                : messages.get("chat.stats.speedUp", accepted, String.format(messages.locale(), "%.1f", s.speedUp())));
    }

    private void renderMeta() {
        if (bound == null) return;
        MessageStats s = bound.stats().get();
        ui.stats.setText(s == null ? "" : messages.get(s.stopped() ? "chat.stats.stopped"
                        : s.limit() == MessageStats.Limit.REPLY_LENGTH ? "chat.stats.replyLength"
                        : s.limit() == MessageStats.Limit.CONTEXT ? "chat.stats.contextFull" : "chat.stats",
                s.tokens(), String.format(messages.locale(), "%.1f", s.tokensPerSecond()), Formats.millis(messages, s.firstTokenMillis()))
                + drafting(s));
        ui.error.setText(bound.error().get());
        ui.error.setManaged(!bound.error().get().isEmpty());
        boolean contextFull = s != null && s.limit() == MessageStats.Limit.CONTEXT;
        // an answer saved without its end (Karuku closed or crashed while it streamed, or the reply failed: the model's
        // process stopped, a connection's server stopped sending; then the error above says why and what to do) keeps
        // its text and says it is incomplete
        boolean cutOff = bound.role() == Role.ASSISTANT && s == null && !bound.streaming().get() && !bound.text().get().isEmpty();
        boolean engineStopped = cutOff && !bound.error().get().isEmpty();
        boolean idle = vm.state().get() != ChatState.GENERATING;
        boolean last = getIndex() == vm.messages().size() - 1;
        boolean regenerates = bound.role() == Role.ASSISTANT && last && idle && !bound.streaming().get();
        // "regenerate it" only where the button is
        ui.notice.setText(contextFull ? messages.get("chat.notice.contextFull") : engineStopped ? messages.get("chat.notice.cutOff.stopped")
                : cutOff ? messages.get(regenerates ? "chat.notice.cutOff" : "chat.notice.cutOff.earlier") : "");
        ui.notice.setManaged(contextFull || cutOff);
        int count = bound.versions().get().size(), at = bound.versionIndex();
        boolean several = count > 1 && at >= 0;
        ui.versions.setVisible(several);
        ui.versions.setManaged(several);
        if (several) {
            ui.version.setText(messages.get("chat.version", at + 1, count));
            ui.previousVersion.setDisable(!idle || at == 0);
            ui.nextVersion.setDisable(!idle || at == count - 1);
        }
        List<Node> wanted = new ArrayList<>(2);
        wanted.add(ui.copy);
        if (bound.role() == Role.USER && idle) wanted.add(ui.edit);
        if (regenerates) wanted.add(ui.regenerate);
        ui.regenerate.setDisable(vm.state().get() != ChatState.READY); // no model yet: nothing would answer
        // usually unchanged (a cell placed again at its row): moving the buttons would restyle them
        if (!ui.actions.getChildren().equals(wanted)) ui.actions.getChildren().setAll(wanted);
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
        cancel.setOnAction(e -> render(true));
        HBox buttons = new HBox(8, resend, cancel);
        ui.body.getChildren().setAll(area, buttons);
        area.requestFocus();
    }

    private Button iconButton(Feather icon, String tooltipKey) {
        Button b = new Button(null, new FontIcon(icon));
        b.getStyleClass().addAll("flat", "button-icon");
        LazyTooltip.install(b, messages.get(tooltipKey));
        b.setAccessibleText(messages.get(tooltipKey));
        b.setId(tooltipKey.replace('.', '-'));
        return b;
    }
}
