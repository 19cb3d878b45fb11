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

    public Locale locale() {
        return bundle.getLocale();
    }

    /// The string for `key`, formatted with `args` when there are any.
    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, bundle.getLocale()).format(args);
    }
}
