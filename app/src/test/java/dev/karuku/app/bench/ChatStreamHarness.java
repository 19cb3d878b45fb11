package dev.karuku.app.bench;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.ChatState;
import dev.karuku.app.chat.ChatView;
import dev.karuku.app.chat.ChatViewModel;
import dev.karuku.app.chat.MessageItem;
import dev.karuku.app.ui.FramePulse;
import dev.karuku.app.ui.FxUiThread;
import dev.karuku.app.ui.Messages;
import dev.karuku.app.ui.SerialExecutor;
import dev.karuku.app.ui.Theme;
import dev.karuku.app.ui.ThemeChoice;
import dev.karuku.engine.conversation.ConversationStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.text.Text;
import javafx.stage.Stage;

/// The real Chat screen in a real window, fed by a [SteadyTokenSource] through the [ChatBackend] interface that
/// the llama.cpp backend implements: the same view model, token buffer, pulse, Markdown rendering and list cells
/// as the app. Streams one reply at a time and records every pulse with a [FrameRecorder].
final class ChatStreamHarness {
    private final Stage stage;
    private final SteadyTokenSource source;
    private final List<String> pieces;
    private ChatViewModel vm;
    private ListView<MessageItem> list;

    /// Opens the Chat screen on `stage` (1280×820, light theme), saving conversations under `home`.
    ChatStreamHarness(Stage stage, Path home, List<String> pieces, double tokensPerSecond) throws Exception {
        this.stage = stage;
        this.pieces = pieces;
        this.source = new SteadyTokenSource(pieces, tokensPerSecond);
        onFx(() -> {
            vm = new ChatViewModel(new ConversationStore(home.resolve("conversations")), new SerialExecutor("bench-conversations"),
                    new FxUiThread(), new FramePulse(), new SimpleObjectProperty<ChatBackend>(source));
            ChatView view = new ChatView(vm, new Messages(Locale.ENGLISH), url -> {});
            Scene scene = new Scene(view.root(), 1280, 820);
            Theme.apply(ThemeChoice.LIGHT, scene);
            stage.setScene(scene);
            stage.show();
            @SuppressWarnings("unchecked")
            ListView<MessageItem> l = (ListView<MessageItem>) scene.lookup("#chat-messages");
            list = l;
            return null;
        });
    }

    ChatViewModel viewModel() {
        return vm;
    }

    SteadyTokenSource source() {
        return source;
    }

    Stage stage() {
        return stage;
    }

    /// Streamed replies, measured together.
    ///
    /// @param replies      each reply: what the source sent and what the answer says when it ended
    /// @param rendered     letters and digits of the last answer's Markdown nodes on screen, in order
    /// @param pulses       every pulse's time from just before the first Send until the last reply was finished on
    ///                     screen (ns)
    /// @param longestStall longest wait of a task posted to the FX thread during that time (ns)
    /// @param streamNanos  from the first token of the first reply to the last token of the last
    record Measurement(List<Reply> replies, String rendered, long[] pulses, long longestStall, long streamNanos) {
        int tokensSent() {
            return replies.stream().mapToInt(Reply::tokensSent).sum();
        }

        /// Of the pieces sent, how many are in the answers, counting from each answer's start, in order.
        int tokensShown(List<String> pieces) {
            return replies.stream().mapToInt(r -> r.tokensShown(pieces)).sum();
        }

        Reply last() {
            return replies.getLast();
        }

        /// What the last answer's nodes should show: the letters and digits of the sent Markdown, link targets
        /// left out.
        String expectedRendered() {
            return shownOf(last().sent());
        }
    }

    /// One reply: what was sent, what the answer says, whether it was stopped.
    record Reply(String sent, int tokensSent, String shown, boolean stopped) {
        int tokensShown(List<String> pieces) {
            int n = 0;
            int at = 0;
            while (n < tokensSent && shown.startsWith(pieces.get(n), at)) at += pieces.get(n++).length();
            return n;
        }
    }

    /// In a new conversation, sends `replies` messages one after another and streams a reply of up to `tokens`
    /// pieces to each; returns once the last is finished on screen. `whileStreaming` (run on this thread, null for
    /// nothing) can act during each reply.
    Measurement stream(int replies, int tokens, java.util.function.Consumer<SteadyTokenSource.Run> whileStreaming)
            throws Exception {
        FrameRecorder recorder = new FrameRecorder();
        onFx(() -> {
            vm.newChat();
            vm.maxTokens().set(tokens);
            recorder.start();
            return null;
        });
        List<Reply> done = new ArrayList<>();
        long first = 0;
        long last = 0;
        for (int i = 0; i < replies; i++) {
            onFx(() -> {
                vm.input().set("Explain, step by step, how Karuku loads a model.");
                vm.send();
                return null;
            });
            SteadyTokenSource.Run run = source.last();
            if (whileStreaming != null) whileStreaming.accept(run);
            awaitFinished(run, tokens);
            MessageItem answer = onFx(() -> vm.messages().getLast());
            done.add(new Reply(run.sent(), run.tokens, onFx(() -> answer.text().get()),
                    onFx(() -> answer.stats().get() != null && answer.stats().get().stopped())));
            if (i == 0) first = run.startNanos;
            last = run.endNanos;
        }
        Thread.sleep(100); // a few more pulses: the last layout and paint of the finished answer
        long[] pulses = onFx(recorder::stop);
        String rendered = onFx(() -> lettersAndDigits(visibleText(vm.messages().size() - 1)));
        return new Measurement(done, rendered, pulses, recorder.longestStallNanos(), last - first);
    }

    /// In a new conversation, `replies` times: the time the FX thread takes for a Send (the view model's work,
    /// then the CSS and layout it causes, which the next pulse would otherwise do before drawing), in ms; each reply
    /// (up to `tokens` pieces) then streams to its end before the next Send.
    List<Double> sendTimes(int replies, int tokens) throws Exception {
        onFx(() -> {
            vm.newChat();
            vm.maxTokens().set(tokens);
            return null;
        });
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < replies; i++) {
            times.add(onFx(() -> {
                long start = System.nanoTime();
                vm.input().set("Explain, step by step, how Karuku loads a model.");
                vm.send();
                stage.getScene().getRoot().applyCss();
                stage.getScene().getRoot().layout();
                return (System.nanoTime() - start) / 1e6;
            }));
            awaitFinished(source.last(), tokens);
            Thread.sleep(50);
        }
        return times;
    }

    /// Asks again for the last answer (Regenerate) and waits until the new one is finished on screen; `whileStreaming`
    /// as for [#stream].
    void regenerate(java.util.function.Consumer<SteadyTokenSource.Run> whileStreaming) throws Exception {
        onFx(() -> {
            vm.regenerate();
            return null;
        });
        SteadyTokenSource.Run run = source.last();
        if (whileStreaming != null) whileStreaming.accept(run);
        awaitFinished(run, onFx(() -> vm.maxTokens().get()));
    }

    /// The text of every `Text` node (labels included) in the Markdown of the list cell showing message `index`.
    private String visibleText(int index) {
        list.layout();
        for (Node n : list.lookupAll(".list-cell")) {
            if (n instanceof ListCell<?> c && !c.isEmpty() && c.getIndex() == index) {
                StringBuilder out = new StringBuilder();
                c.lookupAll(".markdown").stream().findFirst().ifPresent(md -> collect(md, out));
                return out.toString();
            }
        }
        return "";
    }

    /// Waits until `run` (of up to `tokens` pieces) has sent its last piece and the view has finished the reply.
    private void awaitFinished(SteadyTokenSource.Run run, int tokens) throws Exception {
        if (!run.finished.await(tokens / 10 + 60, TimeUnit.SECONDS)) throw new AssertionError("the reply did not end");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (onFx(() -> vm.state().get()) == ChatState.GENERATING) {
            if (System.nanoTime() > deadline) throw new AssertionError("the view did not finish the reply");
            Thread.sleep(2);
        }
    }

    /// The message rows on screen: laid out, visible, not empty (the list keeps hidden spare cells too).
    private List<ListCell<?>> rowsOnScreen() {
        list.layout();
        List<ListCell<?>> rows = new ArrayList<>();
        for (Node n : list.lookupAll(".list-cell")) {
            if (n instanceof ListCell<?> c && !c.isEmpty() && c.isVisible() && c.getParent() != null && c.getParent().isVisible()) rows.add(c);
        }
        return rows;
    }

    /// Once `run` has sent more than `tokens` pieces (or ended), and a few pulses have drawn them: the letters and
    /// digits the last message's row shows, as drawn, without laying the list out first (which could mend what the
    /// pulses would have drawn); -1 when no cell in the window shows that row. For a `whileStreaming` action.
    int shownAfter(SteadyTokenSource.Run run, int tokens) {
        awaitTokens(run, tokens);
        return unchecked(() -> onFx(this::lastRowShown));
    }

    /// Like [#shownAfter], as a share of the message: letters and digits drawn ÷ those in the message.
    double drawnShareAfter(SteadyTokenSource.Run run, int tokens) {
        awaitTokens(run, tokens);
        return unchecked(() -> onFx(() -> {
            int expected = lettersAndDigits(vm.messages().getLast().text().get()).length();
            return expected == 0 ? 1.0 : Math.max(0, lastRowShown()) / (double) expected;
        }));
    }

    /// Counts the cells the message list makes from now on (it makes them through its cell factory).
    java.util.concurrent.atomic.AtomicInteger countCellsMade() throws Exception {
        var made = new java.util.concurrent.atomic.AtomicInteger();
        onFx(() -> {
            var factory = list.getCellFactory();
            list.setCellFactory(l -> {
                made.incrementAndGet();
                return factory.call(l);
            });
            return null;
        });
        return made;
    }

    private static void awaitTokens(SteadyTokenSource.Run run, int tokens) {
        unchecked(() -> {
            org.testfx.util.WaitForAsyncUtils.waitFor(tokens / 100 + 30, TimeUnit.SECONDS,
                    () -> run.tokens > tokens || run.finished.getCount() == 0);
            Thread.sleep(50); // a few pulses: what they draw
            return null;
        });
    }

    private static <T> T unchecked(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private int lastRowShown() {
        int last = vm.messages().size() - 1;
        for (Node n : list.lookupAll(".list-cell")) {
            if (n instanceof ListCell<?> c && !c.isEmpty() && c.getIndex() == last && c.isVisible()
                    && c.getParent() != null && c.getParent().isVisible()) {
                StringBuilder out = new StringBuilder();
                c.lookupAll(".markdown").stream().findFirst().ifPresent(md -> collect(md, out));
                return lettersAndDigits(out.toString()).length();
            }
        }
        return -1;
    }

    /// What each message row on screen shows (letters and digits of its text nodes), by message index.
    java.util.Map<Integer, String> shownOnScreen() throws Exception {
        return onFx(() -> {
            java.util.Map<Integer, String> shown = new java.util.TreeMap<>();
            for (ListCell<?> c : rowsOnScreen()) {
                if (c.localToScene(c.getBoundsInLocal()).intersects(list.localToScene(list.getBoundsInLocal()))) {
                    StringBuilder out = new StringBuilder();
                    c.lookupAll(".markdown").stream().findFirst().ifPresent(md -> collect(md, out));
                    c.lookupAll(".user-text").stream().findFirst().ifPresent(label -> collect(label, out));
                    shown.put(c.getIndex(), lettersAndDigits(out.toString()));
                }
            }
            return shown;
        });
    }

    /// What message `index` should show on screen: the letters and digits of its Markdown, link targets left out.
    String expectedShown(int index) throws Exception {
        return shownOf(onFx(() -> vm.messages().get(index).text().get()));
    }

    /// How far below the bottom of the message list the last message ends, in pixels (0 or less: its end is in view).
    double lastRowBelowView() throws Exception {
        return onFx(() -> {
            int last = vm.messages().size() - 1;
            for (ListCell<?> c : rowsOnScreen()) {
                if (c.getIndex() == last) {
                    var bounds = list.sceneToLocal(c.localToScene(c.getBoundsInLocal()));
                    return bounds.getMaxY() - list.getHeight();
                }
            }
            return Double.POSITIVE_INFINITY; // not laid out: far below
        });
    }

    ListView<MessageItem> list() {
        return list;
    }

    /// Scrolls the message list so that message `index` is at its top.
    void scrollTo(int index) throws Exception {
        onFx(() -> {
            list.scrollTo(index);
            list.layout();
            return null;
        });
    }

    private static void collect(Node node, StringBuilder out) {
        if (node instanceof Text t) out.append(t.getText());
        if (node instanceof Parent p) {
            for (Node child : new ArrayList<>(p.getChildrenUnmodifiable())) collect(child, out);
        }
    }

    /// What Markdown `text` shows on screen, compared as letters and digits: link targets are not shown.
    static String shownOf(String text) {
        return lettersAndDigits(text.replaceAll("\\]\\([^)\\s]*\\)", "]"));
    }

    static String lettersAndDigits(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
        return out.toString();
    }

    List<String> pieces() {
        return pieces;
    }

    /// Runs `work` on the FX thread and waits for its result.
    static <T> T onFx(Callable<T> work) throws Exception {
        if (Platform.isFxApplicationThread()) return work.call();
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }
}
