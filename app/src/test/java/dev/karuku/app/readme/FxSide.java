package dev.karuku.app.readme;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextInputControl;
import javafx.stage.Window;

/// [UiProbe]'s JavaFX side, a class of its own so that Maven's JVM (no JavaFX) never links it.
final class FxSide {
    private FxSide() {}

    static String answer(String command) throws Exception {
        int space = command.indexOf(' ');
        String verb = space < 0 ? command : command.substring(0, space);
        String arg = space < 0 ? "" : command.substring(space + 1);
        CompletableFuture<String> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(switch (verb) {
                    case "find" -> centre(find(n -> arg.equals(n.getId())));
                    case "find-prefix" -> centre(find(n -> n.getId() != null && n.getId().startsWith(arg)));
                    case "text" -> text(find(n -> arg.equals(n.getId())));
                    case "disabled" -> { Node n = find(x -> arg.equals(x.getId())); yield n == null ? "-" : Boolean.toString(n.isDisabled()); }
                    case "dump" -> dump();
                    default -> "?";
                });
            } catch (RuntimeException e) {
                result.complete("! " + e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    /// The first node matching `test` that is shown: in a showing window, it and its parents visible.
    private static Node find(Predicate<Node> test) {
        for (Window w : Window.getWindows()) {
            if (!w.isShowing() || w.getScene() == null) continue;
            Node n = find(w.getScene().getRoot(), test);
            if (n != null) return n;
        }
        return null;
    }

    private static Node find(Node node, Predicate<Node> test) {
        if (!node.isVisible()) return null;
        if (test.test(node)) return node;
        if (node instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                Node n = find(c, test);
                if (n != null) return n;
            }
        }
        return null;
    }

    /// Every shown text with its node's id, for a failure message.
    private static String dump() {
        StringBuilder b = new StringBuilder();
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null) dump(w.getScene().getRoot(), b);
        }
        return b.toString();
    }

    private static void dump(Node node, StringBuilder b) {
        if (!node.isVisible()) return;
        String t = node instanceof Labeled || node instanceof TextInputControl ? text(node) : "";
        if (!t.isBlank() || node.getId() != null) b.append(" | ").append(node.getId() == null ? "" : "#" + node.getId() + " ").append(t);
        if (node instanceof Parent p) for (Node c : p.getChildrenUnmodifiable()) dump(c, b);
    }

    private static String centre(Node n) {
        if (n == null) return "-";
        Bounds b = n.localToScreen(n.getBoundsInLocal());
        if (b == null || b.getWidth() <= 0 || b.getHeight() <= 0) return "-";
        return Math.round(b.getCenterX()) + " " + Math.round(b.getCenterY());
    }

    private static String text(Node n) {
        if (n instanceof Labeled l) return String.valueOf(l.getText()).replace('\n', ' ');
        if (n instanceof TextInputControl t) return t.getText().replace('\n', ' ');
        return "-";
    }
}
