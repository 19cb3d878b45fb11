package dev.karuku.app.chat;

import javafx.scene.control.ListCell;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;

/// The message list's [VirtualFlow]: it follows the end of the conversation while an answer streams (see
/// [#layoutChildren()]), and it does not pass CSS over the whole streaming answer on every pulse.
///
/// JavaFX's flow, each time it lays out a cell that needs layout, re-applies CSS to every node in it
/// (`setCellIndex` → `applyCss`, which forces the update down the whole tree). The message that is streaming needs
/// layout on every pulse, so every pulse restyled every paragraph, list row and code block of the answer so far:
/// the largest cost left on the FX thread at the end of a long answer (~40% in a profile of a 20,000-token answer).
/// That forced pass is only there to size cells correctly; for a cell that keeps its index and its message it has
/// nothing to do, because the pulse's own CSS pass, which runs before layout, has already styled the nodes the new
/// tokens added. So such a cell skips it. A new cell, a cell moved to another index or one that shows another
/// message goes JavaFX's way. A cell whose answer's nodes another cell took meanwhile, or that missed text while it
/// was out of the scene, renders its message again first ([MessageCell#showsItsMessage()]).
final class MessageFlow extends VirtualFlow<ListCell<MessageItem>> {

    /// JavaFX's mark on a cell the flow has just created (`VirtualFlow.NEW_CELL`): it always gets the full pass.
    private static final String NEW_CELL = "newcell";

    /// Whether the list keeps its last row's bottom in view: from a Send (or an opened conversation) until the user
    /// scrolls up, and again once they scroll back down to the end.
    private boolean followEnd = true;
    /// The position when the last layout ended: a different one now means the list was scrolled since.
    private double anchorPosition = Double.NaN;

    MessageFlow() {
        addEventFilter(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() > 0) followEnd = false;
        });
        addEventHandler(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() < 0 && atEnd()) followEnd = true;
        });
        getVbar().addEventFilter(MouseEvent.MOUSE_PRESSED, e -> followEnd = false);
        getVbar().addEventHandler(MouseEvent.MOUSE_RELEASED, e -> followEnd = atEnd());
    }

    /// Shows the end of the conversation and follows it as an answer streams in.
    void followEnd() {
        followEnd = true;
        requestLayout();
    }

    /// Lays the cells out afresh after rows were removed, from the top when the rows went from the first on (a new
    /// chat, another conversation opened). A new chat's first Send or a Regenerate removes rows and adds as many
    /// before the next pulse, and JavaFX, seeing as many rows as before, kept its cells where they were: a long
    /// answer's cell, its top thousands of pixels above the view, was given the new, empty row, and every 64 px
    /// between it and the bottom of the view got an empty row of its own (~140 new cells in one frame after a
    /// 20,000-token answer).
    void rowsRemoved(boolean fromTheFirst, int rowsNow) {
        if (fromTheFirst) setPosition(0);
        setCellCount(rowsNow); // what the list's skin sets at its next layout, which may be after rows were added again
    }

    /// Stops following the end (the list was scrolled to a row by code).
    void stopFollowing() {
        followEnd = false;
    }

    /// Following, keeps the end in view by scrolling the cells already laid out by the pixels the last row grew, as
    /// a wheel does: JavaFX's `ListView.scrollTo` lays the list out again from the row it scrolls to, and in doing so
    /// gave the rows above the new message to other cells, which took their answers' nodes and styled them again
    /// (most of a Send's ~35 ms on the FX thread, measured). Not following, keeps the top row where it was: JavaFX
    /// keeps the scroll position as a fraction of the estimated height, so the text under the reader's eyes drifted
    /// up as an answer below it grew.
    @Override
    protected void layoutChildren() {
        ListCell<MessageItem> anchor = !followEnd && getPosition() == anchorPosition ? getFirstVisibleCell() : null;
        int anchorIndex = anchor == null ? -1 : anchor.getIndex();
        double anchorY = anchor == null ? 0 : anchor.getLayoutY();
        super.layoutChildren();
        if (followEnd && getCellCount() > 0) {
            ListCell<MessageItem> last = getLastVisibleCell();
            if (last != null && last.getIndex() < getCellCount() - 1) {
                // The last row is not laid out (a Send added rows below the view). Unless it is the very next row,
                // JavaFX's scrollTo piles every cell and asks for a layout, which this layout pass would swallow:
                // the rows stayed in the pile, out of the scene, and the answer streamed unseen until the next
                // Send. So lay out again here, from the row scrolled to.
                scrollTo(getCellCount() - 1);
                if (getLastVisibleCell() == null) super.layoutChildren();
                last = getLastVisibleCell();
            }
            if (last != null && belowView(last) > 0.5) scrollToBottom(last);
        } else if (anchorIndex >= 0 && getVisibleCell(anchorIndex) instanceof ListCell<MessageItem> same) {
            double drift = same.getLayoutY() - anchorY;
            if (Math.abs(drift) > 0.5) scrollPixels(drift);
        }
        anchorPosition = getPosition();
    }

    private boolean atEnd() {
        ListCell<MessageItem> last = getLastVisibleCell();
        return last != null && last.getIndex() >= getCellCount() - 1 && belowView(last) <= 0.5;
    }

    /// How far the cell's bottom is below the bottom of the view, in pixels.
    private double belowView(ListCell<MessageItem> cell) {
        return cell.getLayoutY() + cell.getHeight() - getViewportLength();
    }

    @Override
    protected void setCellIndex(ListCell<MessageItem> cell, int index) {
        if (cell instanceof MessageCell m && m.getIndex() == index && m.styled() && !cell.getProperties().containsKey(NEW_CELL)) {
            cell.updateIndex(index); // same index: rebinds only if the list now holds another message there
            if (!m.showsItsMessage()) m.showAgain();
            if (m.styled()) return;
        }
        super.setCellIndex(cell, index);
        if (cell instanceof MessageCell m) {
            // a cell given another row keeps a message that has moved with it (rows above it were removed)
            if (!m.showsItsMessage()) {
                m.showAgain();
                cell.applyCss();
            }
            m.markStyled();
        }
    }
}
