package dev.karuku.app;

import java.util.Locale;
import java.util.Map;

/// The language the user chose in their desktop session, for "Same as the system".
///
/// On Linux, Java asks the C library for the session's locale; where `LANG=ja_JP.UTF-8` names a locale that was never
/// generated on the machine (a minimal install, a container, WSL), the C library answers "C" and Java says English,
/// although the user asked for Japanese — GTK only warns "Locale not supported by C library". The POSIX variables
/// still say what was asked for (`LC_ALL` over `LC_MESSAGES` over `LANG`, as the C library reads them), so their
/// language wins where Java fell back. Windows and macOS do not use these variables.
final class SystemLanguage {
    private SystemLanguage() {}

    static Locale of(Map<String, String> env, Locale java, String osName) {
        if (osName.startsWith("Windows") || osName.startsWith("Mac")) return java;
        String asked = first(env, "LC_ALL", "LC_MESSAGES", "LANG");
        if (asked == null) return java;
        String[] parts = asked.split("[.@]", 2)[0].split("_", 2);
        String language = parts[0].toLowerCase(Locale.ROOT);
        if (!language.matches("[a-z]{2,3}") || language.equals(java.getLanguage())) return java;
        String country = parts.length > 1 && parts[1].matches("[A-Za-z]{2}") ? parts[1].toUpperCase(Locale.ROOT) : "";
        return Locale.of(language, country);
    }

    /// The first of `names` that is set and not blank, as the C library picks them.
    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return null;
    }
}
