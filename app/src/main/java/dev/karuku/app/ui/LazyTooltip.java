package dev.karuku.app.ui;

import javafx.event.EventHandler;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;

/// A tooltip made when the pointer first enters its control. A `Tooltip` is a popup window with its own scene,
/// ~1 ms or more to make and style; the chat makes icon buttons by the dozen (three per message row, one per code
/// block, again on every pulse while a code block streams) and nearly none is ever hovered. The pointer moves on
/// after entering, and those moves start the tooltip's usual delay.
public final class LazyTooltip {
    private LazyTooltip() {}

    public static void install(Control control, String text) {
        EventHandler<MouseEvent> onEnter = new EventHandler<>() {
            @Override
            public void handle(MouseEvent e) {
                control.removeEventHandler(MouseEvent.MOUSE_ENTERED, this);
                control.setTooltip(new Tooltip(text));
            }
        };
        control.addEventHandler(MouseEvent.MOUSE_ENTERED, onEnter);
    }
}
