package dev.karuku.engine.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/// The log a user can attach to a bug report: `logs/karuku.log` in the data folder, written by the app and the
/// command line alike (java.util.logging, which `System.Logger` also reaches), rotated at [#LIMIT_BYTES] into
/// [#FILES] files in all, owner-only. The Hugging Face token never reaches it: every token the caller knows of, and
/// anything shaped like one (`hf_…`), is replaced before a line is written.
public final class LogFile {
    /// Size at which the current file is rotated.
    public static final long LIMIT_BYTES = 2L * 1024 * 1024;
    /// Files kept: `karuku.log` and `karuku.1.log` … `karuku.4.log`.
    public static final int FILES = 5;

    private static final Pattern TOKEN_SHAPE = Pattern.compile("\\bhf_[A-Za-z0-9]{8,}");
    private static final String REDACTED = "[token hidden]";
    private static RotatingHandler installed;

    private LogFile() {}

    /// Sends INFO and above of every logger to `dir/karuku.log`, replacing the file this process logged to before.
    /// `secrets` is asked for the tokens to hide each time a line is written (a token added in Settings counts at
    /// once). With `console` false, nothing is printed on stderr any more (the command line's stderr is for people).
    public static synchronized void install(Path dir, Supplier<? extends Collection<String>> secrets, boolean console) {
        Logger root = Logger.getLogger("");
        if (installed != null) {
            root.removeHandler(installed);
            installed.close();
        }
        if (!console) for (Handler h : root.getHandlers()) if (h instanceof ConsoleHandler) root.removeHandler(h);
        installed = new RotatingHandler(dir, "karuku", LIMIT_BYTES, FILES);
        installed.setLevel(Level.INFO);
        installed.setFormatter(new RedactingFormatter(secrets));
        root.addHandler(installed);
        if (root.getLevel() == null || root.getLevel().intValue() > Level.INFO.intValue()) root.setLevel(Level.INFO);
    }

    /// Stops writing to the log file (an app window closed, a test done); records go where they went before.
    public static synchronized void uninstall() {
        if (installed == null) return;
        Logger.getLogger("").removeHandler(installed);
        installed.close();
        installed = null;
    }

    /// The file the current process writes to, or null before [#install].
    public static synchronized Path current() {
        return installed == null ? null : installed.file();
    }

    /// `text` with each of `secrets` (4 characters or longer) and anything shaped like a Hub token hidden.
    public static String redact(String text, Collection<String> secrets) {
        String out = text;
        for (String s : secrets) if (s != null && s.strip().length() >= 4) out = out.replace(s.strip(), REDACTED);
        return TOKEN_SHAPE.matcher(out).replaceAll(REDACTED);
    }

    /// One line per record (`2026-12-03T09:51:29.123Z WARNING logger: message`), then the stack trace if any.
    private static final class RedactingFormatter extends Formatter {
        private final Supplier<? extends Collection<String>> secrets;

        RedactingFormatter(Supplier<? extends Collection<String>> secrets) {
            this.secrets = secrets;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder().append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(r.getLevel().getName()).append(' ').append(r.getLoggerName()).append(": ").append(formatMessage(r))
                    .append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                b.append(w);
            }
            Collection<String> known;
            try {
                known = secrets.get();
            } catch (RuntimeException e) {
                known = List.of();
            }
            return redact(b.toString(), known == null ? List.of() : known);
        }
    }
}
