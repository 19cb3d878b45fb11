package dev.karuku.app.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.text.Text;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/// An answer rendered as it streams, a few characters at a time, ends up exactly as the same text rendered at once:
/// the blocks kept from earlier pulses are the ones CommonMark gives for the whole text, including where later text
/// changes an earlier block (a line of `===` turns a paragraph into a heading; an indented line continues a list
/// item; `3` after a blank line becomes `3.`, an item of the list above; a code fence closes).
class MarkdownViewTest {
    static final String ANSWER = """
            Intro paragraph with **bold** and `code`.
            Title
            =====

            1. first
            2. second

               still the second item

            3. third, in the same list

            ```java
            int x = 1;

            int y = 2;
            ```

            - a
            - b
            > quoted
            lazy line

            日本語の段落です。[link](https://example.com) end.
            """;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void streamedRenderingEqualsRenderingAtOnce() throws Exception {
        MarkdownView view = new MarkdownView("Copy", url -> {});
        List<String> streamed = WaitForAsyncUtils.asyncFx(() -> {
            MarkdownView.Live live = view.live();
            List<String> afterEachStep = new ArrayList<>();
            for (int end = 1; end <= ANSWER.length(); end++) {
                live.show(ANSWER.substring(0, end));
                afterEachStep.add(shape(live.node()) + " @" + end);
            }
            live.show(ANSWER);
            afterEachStep.add(shape(live.node()));
            return afterEachStep;
        }).get(30, TimeUnit.SECONDS);
        String atOnce = WaitForAsyncUtils.asyncFx(() -> shape(view.render(ANSWER))).get(30, TimeUnit.SECONDS);

        assertThat(streamed.getLast()).isEqualTo(atOnce);
        assertThat(atOnce).contains("md-h1", "still the second item", "int y = 2;", "md-quote", "日本語の段落です。");
        // and every intermediate step equals a fresh rendering of that prefix
        List<String> fresh = WaitForAsyncUtils.asyncFx(() -> {
            List<String> out = new ArrayList<>();
            for (int end = 1; end <= ANSWER.length(); end++) out.add(shape(view.render(ANSWER.substring(0, end))) + " @" + end);
            return out;
        }).get(30, TimeUnit.SECONDS);
        assertThat(streamed.subList(0, fresh.size())).containsExactlyElementsOf(fresh);
    }

    /// The node tree as text: each node's type and style classes, and the text of texts and labels; the chunks
    /// that group blocks are left out (they only group).
    private static String shape(Node node) {
        StringBuilder out = new StringBuilder();
        shape(node, out);
        return out.toString();
    }

    private static void shape(Node node, StringBuilder out) {
        boolean chunk = node.getClass().getSimpleName().equals("Chunk");
        if (!chunk) out.append('(').append(node.getClass().getSimpleName()).append(node.getStyleClass());
        if (node instanceof Text t) out.append('"').append(t.getText()).append('"');
        if (node instanceof Label l) out.append('"').append(l.getText()).append('"');
        if (node instanceof Parent p && !(node instanceof Label)) for (Node c : p.getChildrenUnmodifiable()) shape(c, out);
        if (!chunk) out.append(')');
    }
}
