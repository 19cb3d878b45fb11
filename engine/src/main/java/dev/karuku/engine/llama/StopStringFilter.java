package dev.karuku.engine.llama;

import java.util.List;

/// Keeps stop strings out of the output. Text that might be the start of a stop string is held back until it
/// either completes the stop string (generation ends, nothing of it is emitted) or turns out to be ordinary text.
final class StopStringFilter {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStringFilter(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /// Adds generated text; returns what may be shown now.
    String feed(String text) {
        if (stopped) return "";
        if (stops.isEmpty()) return text;
        pending.append(text);
        int earliest = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (earliest < 0 || i < earliest)) earliest = i;
        }
        if (earliest >= 0) {
            stopped = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int hold = longestSuffixThatStartsAStop();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /// True once a stop string was seen.
    boolean stopped() {
        return stopped;
    }

    /// At the end of generation: the held-back text was not a stop string after all.
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    private int longestSuffixThatStartsAStop() {
        String p = pending.toString();
        int best = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, p.length()); k > best; k--) {
                if (p.regionMatches(p.length() - k, s, 0, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }
}
