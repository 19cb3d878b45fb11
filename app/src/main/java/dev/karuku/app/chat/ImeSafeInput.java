package dev.karuku.app.chat;

import javafx.scene.control.TextArea;
import javafx.scene.input.InputMethodEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/// Makes a TextArea send on Enter (and Ctrl/Cmd+Enter) while Shift+Enter adds a line — and never sends while an
/// input method is composing. With a Japanese IME, Enter confirms the kana→kanji conversion; the area has
/// composed (uncommitted) text then, which the input-method events report. Only an Enter with no composition
/// in progress sends.
public final class ImeSafeInput {
    private boolean composing;

    private ImeSafeInput() {}

    /// Installs the behaviour on `area`; `send` runs on a sending Enter.
    public static ImeSafeInput install(TextArea area, Runnable send) {
        ImeSafeInput input = new ImeSafeInput();
        area.addEventFilter(InputMethodEvent.INPUT_METHOD_TEXT_CHANGED,
                e -> input.composing = !e.getComposed().isEmpty());
        area.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != KeyCode.ENTER) return;
            if (input.composing) {
                // the IME's confirm key: it commits the conversion through an input-method event; neither a
                // new line nor a send
                e.consume();
                return;
            }
            if (e.isShiftDown()) {
                area.replaceSelection("\n");
                e.consume();
                return;
            }
            e.consume();
            send.run();
        });
        return input;
    }

    /// Whether an input method is composing text right now.
    public boolean composing() {
        return composing;
    }
}
