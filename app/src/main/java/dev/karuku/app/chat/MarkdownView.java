package dev.karuku.app.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import dev.karuku.app.ui.LazyTooltip;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/// Renders Markdown (CommonMark + GitHub tables) as JavaFX nodes: paragraphs as `TextFlow`s with bold, italic,
/// inline code and links as styled runs; code blocks in a monospace box with a Copy button; lists, quotes,
/// headings, rules and tables. Used for chat answers and model READMEs. Raw HTML is shown as text, never run.
public final class MarkdownView {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS).build();

    private final String copyLabel;
    private final Consumer<String> openLink;

    /// @param copyLabel the Copy button's tooltip, in the user's language
    /// @param openLink  what clicking a link does (the app opens the browser)
    public MarkdownView(String copyLabel, Consumer<String> openLink) {
        this.copyLabel = copyLabel;
        this.openLink = openLink;
    }

    /// The nodes for `markdown`, in a VBox styled `markdown`.
    public VBox render(String markdown) {
        Live live = live();
        live.show(markdown);
        return live.node();
    }

    /// A rendering that follows a text as it changes, for an answer streaming in: see [Live].
    public Live live() {
        return new Live();
    }

    /// One VBox styled `markdown` whose content follows [#show(String)]. When the text only grew, it parses from
    /// the last block that the new text cannot change (see [#closedBefore()]), else the whole text, so the blocks
    /// are exactly CommonMark's; it builds nodes only for the top-level blocks whose source changed: while
    /// an answer streams, that is the last block or two, so a pulse no longer rebuilds every paragraph, list and
    /// code block of a long answer (that cost several frames a pulse, measured with `benchmarks/ui.sh`). A block is
    /// kept when it and every block before it have the same source text as last time.
    ///
    /// The blocks sit in [Chunk]s of [#CHUNK] blocks, which remember their height for the last width asked: each
    /// pulse's layout then measures the finished part of a long answer chunk by chunk, not block by block.
    public final class Live {
        private static final int CHUNK = 16;

        private final VBox box = new VBox(8);
        private String text = "";
        private final List<int[]> ranges = new ArrayList<>();
        /// Whether each top-level block is a list.
        private final List<Boolean> lists = new ArrayList<>();
        /// One entry per top-level block (null for blocks shown as nothing); block i is in chunk i / CHUNK.
        private final List<Node> rendered = new ArrayList<>();
        private final List<Chunk> chunks = new ArrayList<>();

        private Live() {
            box.getStyleClass().add("markdown");
        }

        public VBox node() {
            return box;
        }

        public void show(String markdown) {
            String next = markdown == null ? "" : markdown;
            if (next.equals(text) && !ranges.isEmpty()) return; // another cell showing the same answer rendered it
            int from = next.startsWith(text) && !next.contains("]:") ? closedBefore() : 0;
            if (!parse(next, from)) parse(next, 0);
        }

        /// Parses `next` from top-level block `from` on (the blocks before it are kept as they are); false when a
        /// block before `from` turns out to have changed after all.
        private boolean parse(String next, int from) {
            int offset = from == 0 ? 0 : ranges.get(from)[0];
            List<org.commonmark.node.Node> parsed = new ArrayList<>();
            String source = next.substring(offset);
            for (var n = PARSER.parse(source).getFirstChild(); n != null; n = n.getNext()) parsed.add(n);
            List<int[]> nextRanges = new ArrayList<>(ranges.subList(0, from));
            List<Boolean> nextLists = new ArrayList<>(lists.subList(0, from));
            for (int i = 0; i < parsed.size(); i++) {
                int start = start(parsed.get(i));
                int end = i + 1 < parsed.size() ? start(parsed.get(i + 1)) : next.length() - offset;
                nextRanges.add(new int[] {start < 0 ? -1 : start + offset, end < 0 ? -1 : end + offset});
                nextLists.add(parsed.get(i) instanceof ListBlock);
            }
            int keep = 0;
            while (keep < Math.min(ranges.size(), nextRanges.size()) && same(ranges.get(keep), next, nextRanges.get(keep))) keep++;
            if (keep < from) return false;
            // The block that is still streaming changes in place when it can (a code block takes its new text, a
            // list builds only the rows of items that changed): building it again made all its nodes every pulse.
            if (keep < rendered.size() && keep < nextRanges.size() && ranges.get(keep)[0] == nextRanges.get(keep)[0]
                    && rendered.get(keep) instanceof Node old && old.getProperties().get(IN_PLACE) instanceof InPlace block
                    && block.update(parsed.get(keep - from), source)) {
                keep++;
            }
            truncate(keep);
            for (int i = keep; i < nextRanges.size(); i++) {
                Node node = block(parsed.get(i - from));
                if (node instanceof VBox v && parsed.get(i - from) instanceof ListBlock l) v.getProperties().put(IN_PLACE, new ListRows(v, l, source));
                rendered.add(node);
                if (chunks.size() <= i / CHUNK) {
                    chunks.add(new Chunk());
                    box.getChildren().add(chunks.getLast());
                }
                if (node != null) chunks.get(i / CHUNK).getChildren().add(node);
            }
            ranges.clear();
            ranges.addAll(nextRanges);
            lists.clear();
            lists.addAll(nextLists);
            text = next;
            return true;
        }

        /// The last block that text appended later cannot join to what comes before it: it starts a line after a
        /// blank line, and the block before it is not a list (a list goes on after blank lines). From there the
        /// parser's state is that of a new document, so parsing only the rest gives CommonMark's blocks (link
        /// reference definitions, which would reach across, switch this off in [#show(String)]). 0 when none.
        private int closedBefore() {
            for (int k = ranges.size() - 1; k >= 1; k--) {
                int start = ranges.get(k)[0];
                if (start > 0 && !lists.get(k - 1) && blankLineBefore(start)) return k;
            }
            return 0;
        }

        private boolean blankLineBefore(int start) {
            if (start < 2 || text.charAt(start - 1) != '\n') return false;
            int lineStart = text.lastIndexOf('\n', start - 2) + 1;
            return text.substring(lineStart, start - 1).isBlank();
        }

        /// Drops the nodes of blocks `keep` and after; the kept ones stay in place (moving a node would make
        /// JavaFX match its styles again).
        private void truncate(int keep) {
            int chunk = keep / CHUNK;
            int needed = keep % CHUNK == 0 ? chunk : chunk + 1;
            while (chunks.size() > needed) box.getChildren().remove(chunks.removeLast());
            if (keep % CHUNK != 0) {
                int kept = (int) rendered.subList(chunk * CHUNK, keep).stream().filter(java.util.Objects::nonNull).count();
                Chunk last = chunks.get(chunk);
                last.getChildren().remove(kept, last.getChildren().size());
            }
            rendered.subList(keep, rendered.size()).clear();
        }

        private boolean same(int[] before, String next, int[] now) {
            return before[0] >= 0 && before[0] == now[0] && before[1] == now[1]
                    && text.regionMatches(before[0], next, now[0], now[1] - now[0]);
        }

        private static int start(org.commonmark.node.Node block) {
            var spans = block.getSourceSpans();
            return spans.isEmpty() ? -1 : spans.getFirst().getInputIndex();
        }
    }

    /// A VBox that remembers its preferred and minimum heights for the last few widths asked (a list cell asks for
    /// more than one per layout), until something inside asks for layout again. JavaFX caches a parent's sizes only
    /// for width -1, but text wraps, so every layout of the message list measured every block of every visible
    /// answer again.
    private static final class Chunk extends VBox {
        private final Map<Double, Double> prefHeights = new HashMap<>(8);
        private final Map<Double, Double> minHeights = new HashMap<>(8);

        Chunk() {
            super(8);
        }

        @Override
        protected double computePrefHeight(double width) {
            return remember(prefHeights, width, super::computePrefHeight);
        }

        @Override
        protected double computeMinHeight(double width) {
            return remember(minHeights, width, super::computeMinHeight);
        }

        private static double remember(Map<Double, Double> cache, double width, java.util.function.DoubleUnaryOperator compute) {
            Double known = cache.get(width);
            if (known != null) return known;
            if (cache.size() >= 4) cache.clear();
            double h = compute.applyAsDouble(width);
            cache.put(width, h);
            return h;
        }

        @Override
        public void requestLayout() {
            // null while VBox's constructor runs
            if (prefHeights != null) {
                prefHeights.clear();
                minHeights.clear();
            }
            super.requestLayout();
        }
    }

    private void blocks(org.commonmark.node.Node parent, VBox into) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) {
            Node node = block(n);
            if (node != null) into.getChildren().add(node);
        }
    }

    private Node block(org.commonmark.node.Node n) {
        return switch (n) {
            case Paragraph p -> flow(p, "md-paragraph");
            case Heading h -> flow(h, "md-h" + Math.min(h.getLevel(), 4));
            case FencedCodeBlock c -> codeBlock(c.getLiteral(), c.getInfo());
            case IndentedCodeBlock c -> codeBlock(c.getLiteral(), "");
            case BulletList l -> list(l, false, 1);
            case OrderedList l -> list(l, true, start(l));
            case BlockQuote q -> {
                VBox inner = new VBox(6);
                inner.getStyleClass().add("md-quote");
                blocks(q, inner);
                yield inner;
            }
            case ThematicBreak t -> new Separator();
            case TableBlock t -> table(t);
            case HtmlBlock h -> plain(h.getLiteral(), "md-paragraph");
            default -> null;
        };
    }

    private TextFlow flow(org.commonmark.node.Node n, String style) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().add(style);
        inlines(n, flow, List.of());
        return flow;
    }

    private TextFlow plain(String text, String style) {
        TextFlow flow = new TextFlow(styled(text, List.of()));
        flow.getStyleClass().add(style);
        return flow;
    }

    private void inlines(org.commonmark.node.Node parent, TextFlow flow, List<String> styles) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) {
            switch (n) {
                case org.commonmark.node.Text t -> flow.getChildren().add(styled(t.getLiteral(), styles));
                case Code c -> flow.getChildren().add(styled(c.getLiteral(), with(styles, "md-code")));
                case Emphasis e -> inlines(e, flow, with(styles, "md-em"));
                case StrongEmphasis s -> inlines(s, flow, with(styles, "md-strong"));
                case SoftLineBreak b -> flow.getChildren().add(styled(" ", styles));
                case HardLineBreak b -> flow.getChildren().add(styled("\n", styles));
                case Link l -> {
                    int before = flow.getChildren().size();
                    inlines(l, flow, with(styles, "md-link"));
                    String url = l.getDestination();
                    flow.getChildren().subList(before, flow.getChildren().size())
                            .forEach(t -> t.setOnMouseClicked(e -> openLink.accept(url)));
                }
                case Image i -> inlines(i, flow, with(styles, "md-em"));
                case HtmlInline h -> flow.getChildren().add(styled(h.getLiteral(), styles));
                default -> inlines(n, flow, styles);
            }
        }
    }

    private static Text styled(String s, List<String> styles) {
        Text t = new Text(s);
        t.getStyleClass().add("md-text");
        t.getStyleClass().addAll(styles);
        return t;
    }

    private static List<String> with(List<String> styles, String more) {
        var out = new java.util.ArrayList<>(styles);
        out.add(more);
        return out;
    }

    /// The key under which a block's node keeps its [InPlace].
    private static final Object IN_PLACE = new Object();

    /// A rendered block that can show a new version of itself without being built again.
    private interface InPlace {
        /// Shows `next` (the same block, parsed again from `source`); false when it cannot, and it must be rebuilt.
        boolean update(org.commonmark.node.Node next, String source);
    }

    /// A code block's text node and language: a block still streaming takes its new text in place.
    private record CodeText(Text body, String info) implements InPlace {
        static String text(String literal) {
            return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        }

        @Override
        public boolean update(org.commonmark.node.Node next, String source) {
            if (!(next instanceof FencedCodeBlock c) || !info.equals(c.getInfo() == null ? "" : c.getInfo())) return false;
            String text = text(c.getLiteral());
            if (!body.getText().equals(text)) body.setText(text);
            return true;
        }
    }

    private Node codeBlock(String code, String info) {
        String text = CodeText.text(code);
        Label lang = new Label(info == null || info.isBlank() ? "" : info.strip().split("\\s+")[0]);
        lang.getStyleClass().add("md-code-lang");
        Button copy = new Button(null, new FontIcon(Feather.COPY));
        copy.getStyleClass().addAll("flat", "md-copy");
        LazyTooltip.install(copy, copyLabel);
        copy.setAccessibleText(copyLabel);
        Text body = new Text(text);
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(body.getText());
            Clipboard.getSystemClipboard().setContent(content);
            copy.setGraphic(new FontIcon(Feather.CHECK));
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(6, lang, spacer, copy);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("md-code-header");
        body.getStyleClass().add("md-code-text");
        TextFlow flow = new TextFlow(body);
        flow.getStyleClass().add("md-code-body");
        VBox box = new VBox(header, flow);
        box.getStyleClass().add("md-code-block");
        box.getProperties().put(IN_PLACE, new CodeText(body, info == null ? "" : info));
        return box;
    }

    private Node list(org.commonmark.node.Node l, boolean ordered, int start) {
        VBox box = new VBox(4);
        box.getStyleClass().add("md-list");
        int number = start;
        for (ListItem item : items(l)) box.getChildren().add(row(item, ordered, number++));
        return box;
    }

    private HBox row(ListItem item, boolean ordered, int number) {
        Label marker = new Label(ordered ? number + "." : "•");
        marker.getStyleClass().add("md-list-marker");
        marker.setMinWidth(Region.USE_PREF_SIZE);
        VBox content = new VBox(4);
        blocks(item, content);
        HBox.setHgrow(content, Priority.ALWAYS);
        return new HBox(6, marker, content);
    }

    private static List<ListItem> items(org.commonmark.node.Node list) {
        List<ListItem> items = new ArrayList<>();
        for (var item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (item instanceof ListItem li) items.add(li);
        }
        return items;
    }

    private static int start(ListBlock l) {
        return l instanceof OrderedList o && o.getMarkerStartNumber() != null ? o.getMarkerStartNumber() : 1;
    }

    /// A top-level list's box and the source text of each item its rows show: a list still streaming keeps the
    /// rows of the items that did not change and builds only the rest.
    private final class ListRows implements InPlace {
        private final VBox box;
        private final boolean ordered;
        private final int start;
        private final List<String> sources = new ArrayList<>();

        ListRows(VBox box, ListBlock list, String source) {
            this.box = box;
            ordered = list instanceof OrderedList;
            start = start(list);
            for (ListItem item : items(list)) sources.add(sourceOf(item, source));
        }

        @Override
        public boolean update(org.commonmark.node.Node next, String source) {
            if (!(next instanceof ListBlock list) || ordered != list instanceof OrderedList || start != start(list)) return false;
            List<ListItem> items = items(list);
            int same = 0;
            while (same < Math.min(sources.size(), items.size()) && sources.get(same) != null
                    && sources.get(same).equals(sourceOf(items.get(same), source))) same++;
            box.getChildren().remove(same, box.getChildren().size());
            sources.subList(same, sources.size()).clear();
            for (int i = same; i < items.size(); i++) {
                box.getChildren().add(row(items.get(i), ordered, start + i));
                sources.add(sourceOf(items.get(i), source));
            }
            return true;
        }

        /// The item's text in the source, from its first line's start to its last line's end; null when unknown.
        private static String sourceOf(ListItem item, String source) {
            var spans = item.getSourceSpans();
            if (spans.isEmpty()) return null;
            var last = spans.getLast();
            return source.substring(spans.getFirst().getInputIndex(), last.getInputIndex() + last.getLength());
        }
    }

    private Node table(TableBlock t) {
        GridPane grid = new GridPane();
        grid.getStyleClass().add("md-table");
        int r = 0;
        for (var section = t.getFirstChild(); section != null; section = section.getNext()) {
            for (var row = section.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) continue;
                int c = 0;
                for (var cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (!(cell instanceof TableCell tc)) continue;
                    TextFlow f = flow(tc, tc.isHeader() ? "md-th" : "md-td");
                    grid.add(f, c++, r);
                }
                r++;
            }
        }
        return grid;
    }
}
