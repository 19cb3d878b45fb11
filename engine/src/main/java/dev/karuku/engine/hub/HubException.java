package dev.karuku.engine.hub;

import java.io.IOException;

/// A Hub request that failed for a reason a person can act on.
///
/// [#reason()] is stable and has a message key ([Reason#messageKey()]) so the app can show the text in the user's
/// language; [#getMessage()] is the English text the command line prints. No message ever contains the token.
public class HubException extends IOException {

    /// Why the Hub said no. The key is looked up in the app's message bundles.
    public enum Reason {
        GATED_NEEDS_TOKEN("hub.error.gatedNeedsToken",
                "This model is gated: accept its licence on the Hub and add your token"),
        GATED_NOT_APPROVED("hub.error.gatedNotApproved",
                "This model is gated and your token has no access yet: accept its licence on the model's Hub page (approval can take a while)"),
        REPO_NOT_FOUND("hub.error.repoNotFound",
                "This model does not exist on the Hub, or it is private (check the name, or add a token that can see it)"),
        REVISION_NOT_FOUND("hub.error.revisionNotFound", "This version of the model does not exist on the Hub"),
        ENTRY_NOT_FOUND("hub.error.entryNotFound", "This file does not exist in the model's repository"),
        INVALID_TOKEN("hub.error.invalidToken",
                "The Hugging Face token was refused: check it in Settings or create a new one"),
        DISABLED("hub.error.disabled", "This model has been disabled on the Hub and cannot be downloaded"),
        FORBIDDEN("hub.error.forbidden", "The Hub refused access to this model"),
        RATE_LIMITED("hub.error.rateLimited",
                "The Hub is limiting requests right now: wait a few minutes and try again (a token raises the limit)"),
        SERVER_ERROR("hub.error.server", "The Hub is having trouble right now: try again later"),
        NETWORK("hub.error.network", "Cannot reach the Hub: check your internet connection"),
        OFFLINE("hub.error.offline",
                "Karuku is set to work offline (HF_HUB_OFFLINE): unset it to search and download models; installed models still work"),
        UNSAFE_REDIRECT("hub.error.unsafeRedirect",
                "The Hub sent a link to another site; it was not followed to keep your token safe"),
        BAD_RESPONSE("hub.error.badResponse", "The Hub sent an answer Karuku does not understand");

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
    private final int status;
    private final String detail;

    public HubException(Reason reason, int status, String detail) {
        this(reason, status, detail, null);
    }

    public HubException(Reason reason, int status, String detail, Throwable cause) {
        super(reason.english() + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"), cause);
        this.reason = reason;
        this.status = status;
        this.detail = detail == null ? "" : detail;
    }

    public Reason reason() {
        return reason;
    }

    /// The HTTP status, or 0 when no answer came.
    public int status() {
        return status;
    }

    /// What the Hub itself said (its `X-Error-Message` or body), or the repo/file concerned; may be empty.
    public String detail() {
        return detail;
    }

    /// Whether asking again later can help (rate limits, server trouble, network).
    public boolean transientFailure() {
        return reason == Reason.RATE_LIMITED || reason == Reason.SERVER_ERROR || reason == Reason.NETWORK;
    }
}
