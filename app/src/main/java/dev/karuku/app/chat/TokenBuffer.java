package dev.karuku.app.chat;

import java.util.ArrayList;
import java.util.List;

/// Hands streamed text from the generating thread to the UI thread. The backend appends pieces as they come;
/// the UI drains everything once per pulse, so a fast model costs one UI update per frame.
final class TokenBuffer {
    private final StringBuilder pending = new StringBuilder();
    private final List<Runnable> endings = new ArrayList<>();

    synchronized void add(String piece) {
        pending.append(piece);
    }

    synchronized void end(Runnable ending) {
        endings.add(ending);
    }

    /// The text added since the last drain (maybe empty), and any end event that arrived after it.
    synchronized Drained drain() {
        String text = pending.toString();
        pending.setLength(0);
        List<Runnable> e = List.copyOf(endings);
        endings.clear();
        return new Drained(text, e);
    }

    record Drained(String text, List<Runnable> endings) {}
}
