package dev.karuku.engine.template;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/// Python's `strftime` for the directives chat templates use (`%d %b %Y`, `%Y-%m-%d`, …), in the C locale.
final class Strftime {

    private Strftime() {}

    static String format(LocalDateTime t, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            out.append(switch (d) {
                case 'Y' -> String.valueOf(t.getYear());
                case 'y' -> two(t.getYear() % 100);
                case 'm' -> two(t.getMonthValue());
                case 'd' -> two(t.getDayOfMonth());
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'H' -> two(t.getHour());
                case 'I' -> two((t.getHour() + 11) % 12 + 1);
                case 'M' -> two(t.getMinute());
                case 'S' -> two(t.getSecond());
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'b', 'h' -> pattern(t, "MMM");
                case 'B' -> pattern(t, "MMMM");
                case 'a' -> pattern(t, "EEE");
                case 'A' -> pattern(t, "EEEE");
                case 'j' -> String.format("%03d", t.getDayOfYear());
                case '%' -> "%";
                default -> "%" + d;
            });
        }
        return out.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }

    private static String pattern(LocalDateTime t, String p) {
        return DateTimeFormatter.ofPattern(p, Locale.US).format(t);
    }
}
