package dev.karuku.app.discover;

import dev.karuku.engine.hub.HubException;

/// The message key for a failed Hub request: the Hub client's own reason when it has one, else "network".
public final class HubErrorKeys {
    private HubErrorKeys() {}

    public static String of(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof HubException h) return h.reason().messageKey();
            t = t.getCause();
        }
        return e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                ? HubException.Reason.NETWORK.messageKey() : "discover.error.unexpected";
    }
}
