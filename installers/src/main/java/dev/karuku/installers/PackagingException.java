package dev.karuku.installers;

/// A packaging step failed; the message says which and why, and is all the build prints (no stack trace).
final class PackagingException extends RuntimeException {
    PackagingException(String message) {
        super(message);
    }
}
