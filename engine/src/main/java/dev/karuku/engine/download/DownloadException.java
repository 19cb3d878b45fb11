package dev.karuku.engine.download;

import java.io.IOException;

/// A download that stopped for a reason a person can act on. [#reason()] has a message key for the app's bundles.
public final class DownloadException extends IOException {

    /// Why the download stopped.
    public enum Reason {
        DISK_FULL("download.error.diskFull", "Not enough free disk space"),
        CHECKSUM_MISMATCH("download.error.checksum",
                "The downloaded file is damaged (its checksum does not match the Hub's); it was deleted, please download it again"),
        SIZE_MISMATCH("download.error.size", "The download ended at the wrong size; it will start again"),
        UNSAFE_PATH("download.error.unsafePath", "Refused a file name that would write outside the models folder"),
        CANCELLED("download.error.cancelled", "The download was cancelled"),
        PAUSED("download.error.paused", "The download was paused"),
        SERVER("download.error.server", "The download server answered unexpectedly");

        private final String messageKey;
        private final String english;

        Reason(String messageKey, String english) {
            this.messageKey = messageKey;
            this.english = english;
        }

        public String messageKey() {
            return messageKey;
        }

        public String english() {
            return english;
        }
    }

    private final Reason reason;

    public DownloadException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public DownloadException(Reason reason, String detail, Throwable cause) {
        super(reason.english() + (detail == null || detail.isBlank() ? "" : ": " + detail), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /// Whether an `IOException` from writing means the disk is full (the JDK reports it only in the message).
    static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left") || m.contains("not enough space") || m.contains("There is not enough space")
                    || m.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }
}
