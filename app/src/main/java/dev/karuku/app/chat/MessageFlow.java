package dev.karuku.app.chat;

import javafx.scene.control.ListCell;
import javafx.scene.control.skin.VirtualFlow;

/// The message list's [VirtualFlow], without one pass of CSS per pulse over the whole streaming answer.
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
