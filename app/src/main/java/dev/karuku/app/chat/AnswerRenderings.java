package dev.karuku.app.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/// The rendered Markdown of the answers the message list showed last, one [MarkdownView.Live] per answer, shared
/// by the list's cells.
///
/// JavaFX's list gives a message to whichever cell it has spare, so the same answer moves from cell to cell: at
/// every Send the answer above the new message got another cell, and the list's hidden measuring cell renders
/// answers too, to estimate the heights of rows off screen. Rendering a 1,000-token answer from its text (parse,
/// ~170 nodes, their CSS and text layout) took ~12 ms a time on the development machine, moving its nodes into
/// another cell ~3 ms: the difference was the longest frames of a conversation. A cell now takes the answer's
/// nodes from wherever they are (see [MessageCell]).
final class AnswerRenderings {
    /// Enough for every answer on a screen and the rows around it; older ones are rendered again when shown.
    static final int KEPT = 32;

    private final MarkdownView markdown;
    private final Map<MessageItem, MarkdownView.Live> kept = new LinkedHashMap<>(KEPT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MessageItem, MarkdownView.Live> eldest) {
            return size() > KEPT;
        }
    };

    AnswerRenderings(MarkdownView markdown) {
        this.markdown = markdown;
    }

    /// The rendering of `answer` (its nodes may be in another cell, or in none).
    MarkdownView.Live of(MessageItem answer) {
        return kept.computeIfAbsent(answer, a -> markdown.live());
    }
}
