package dev.karuku.app.ui;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/// The user's strings (`dev/karuku/app/messages*.properties`) for one locale, with `{0}`-style arguments.
public final class Messages {
    public static final String BUNDLE = "dev.karuku.app.messages";

    private final ResourceBundle bundle;

    public Messages(Locale locale) {
        this.bundle = ResourceBundle.getBundle(BUNDLE, locale);
    }

    public ResourceBundle bundle() {
        return bundle;
    }

    /// The language the strings are in. The English strings are the base bundle, whose locale is the root one:
    /// dates and times formatted for it read "2025 Mar 12" and "13:04", so English is named here.
    public Locale locale() {
        return bundle.getLocale().equals(Locale.ROOT) ? Locale.ENGLISH : bundle.getLocale();
    }

    /// The string for `key`, formatted with `args` when there are any. The bundles are MessageFormat patterns
    /// (an apostrophe is written `''`), so a string read without arguments is unquoted the same way: before, a
    /// verdict such as "Won''t fit" reached the screen with both apostrophes.
    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? unquote(pattern) : new MessageFormat(pattern, locale()).format(args);
    }

    /// A pattern's text as MessageFormat would print it with no arguments: `''` is one apostrophe. A lone
    /// apostrophe (which MessageFormat would take as the start of a quoted part) is kept as it is.
    static String unquote(String pattern) {
        return pattern.replace("''", "'");
    }
}
