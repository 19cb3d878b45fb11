package dev.karuku.engine.hub;

/// What `auth-check` says about downloading a repo's files with the current token.
public enum Access {
    /// Files can be downloaded.
    GRANTED,
    /// The repo is gated and no token was given: accept the licence on the Hub and add a token.
    GATED_NEEDS_TOKEN,
    /// The repo is gated and this token has not been approved (yet).
    GATED_NOT_APPROVED
}
