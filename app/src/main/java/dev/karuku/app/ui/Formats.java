package dev.karuku.app.ui;

import java.util.Locale;

/// Numbers as people read them: sizes in KB/MB/GB, counts as 1.2k / 3.4M, durations as 1 h 02 min, speeds
/// as "12" or "4.5" tokens per second.
public final class Formats {
    /// Above this an estimated speed is shown as "> 1000": the estimate is a bandwidth bound, and for a tiny
    /// model it runs into the tens of thousands, a number nobody can use.
    public static final double SPEED_CAP = 1000;

    private Formats() {}

    /// An estimated generation speed: one decimal below 10 tokens/s (where 2.5 and 3.4 feel different), whole
    /// numbers up to [#SPEED_CAP], "> 1000" above it, "< 0.1" below that; "" when there is no estimate (0, negative or not a number).
    public static String speed(double tokensPerSecond) {
        if (!(tokensPerSecond > 0)) return ""; // also NaN
        if (tokensPerSecond > SPEED_CAP) return "> " + (long) SPEED_CAP;
        if (tokensPerSecond < 0.1) return "< 0.1";
        if (tokensPerSecond < 10) return String.format(Locale.ROOT, "%.1f", tokensPerSecond);
        return Long.toString(Math.round(tokensPerSecond));
    }

    /// The whole speed sentence of the model page and the Load screen ("about 12 tokens/s on this PC", "more
    /// than 1000 tokens/s on this PC"), or "" without an estimate.
    public static String speedText(Messages messages, double tokensPerSecond) {
        String n = speed(tokensPerSecond);
        if (n.isEmpty()) return "";
        return tokensPerSecond > SPEED_CAP ? messages.get("model.speed.over", Long.toString((long) SPEED_CAP)) : messages.get("model.speed", n);
    }

    public static String bytes(long bytes) {
        if (bytes < 0) return "—";
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }

    /// A count as the user's language abbreviates it: 4.2k and 1.3M in English; in Japanese 4,200, 5.2万, 130万 and 2.1億
    /// (Japanese groups by ten thousands, and "k" reads as English there).
    public static String count(Messages messages, long n) {
        if (!"ja".equals(messages.locale().getLanguage())) return count(n);
        if (n < 10_000) return String.format(Locale.JAPANESE, "%,d", n);
        if (n < 100_000) return String.format(Locale.ROOT, "%.1f万", n / 10_000.0);
        if (n < 100_000_000) return String.format(Locale.ROOT, "%d万", Math.round(n / 10_000.0));
        return String.format(Locale.ROOT, "%.1f億", n / 100_000_000.0);
    }

    public static String count(long n) {
        if (n < 1000) return Long.toString(n);
        if (n < 1_000_000) return String.format(Locale.ROOT, "%.1fk", n / 1000.0);
        return String.format(Locale.ROOT, "%.1fM", n / 1_000_000.0);
    }

    /// A duration in the user's language ("1 min 04 s", "1 分 04 秒"), "—" when unknown (negative).
    public static String seconds(Messages messages, long s) {
        if (s < 0) return "—";
        if (s < 60) return messages.get("format.seconds", Long.toString(s));
        if (s < 3600) return messages.get("format.minutesSeconds", Long.toString(s / 60), String.format(Locale.ROOT, "%02d", s % 60));
        return messages.get("format.hoursMinutes", Long.toString(s / 3600), String.format(Locale.ROOT, "%02d", (s % 3600) / 60));
    }

    /// A short wait such as the time to a first token: "350 ms" below a second, "2.4 s" above, in the user's language.
    public static String millis(Messages messages, long ms) {
        if (ms < 0) return "—";
        if (ms < 1000) return messages.get("format.millis", Long.toString(ms));
        if (ms < 60_000) return messages.get("format.seconds", String.format(Locale.ROOT, "%.1f", ms / 1000.0));
        return seconds(messages, ms / 1000);
    }
}
