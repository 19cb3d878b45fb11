package dev.karuku.engine.gguf;

/// A GGUF file that cannot be trusted, with a specific reason a person can act on.
public final class GgufException extends Exception {

    /// What is wrong with the file.
    public enum Kind {
        BAD_MAGIC, UNSUPPORTED_VERSION, TRUNCATED, ABSURD_COUNT, STRING_TOO_LONG, BAD_UTF8, UNKNOWN_VALUE_TYPE,
        UNKNOWN_TENSOR_TYPE, BAD_SHAPE, SHAPE_OVERFLOW, DUPLICATE_KEY, DUPLICATE_TENSOR, BAD_ALIGNMENT, MISALIGNED,
        OFFSET_PAST_END, OVERLAPPING_TENSORS, HEADER_TOO_LARGE, IO,
        /// Well-formed, but with metadata llama.cpp would abort on (see [LoadCheck]).
        UNLOADABLE
    }

    private final Kind kind;
    private final long neededBytes;

    public GgufException(Kind kind, String message) {
        this(kind, message, -1, null);
    }

    public GgufException(Kind kind, String message, long neededBytes, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.neededBytes = neededBytes;
    }

    public Kind kind() {
        return kind;
    }

    /// For [Kind#TRUNCATED]: how many bytes from the start of the file the reader needed; -1 otherwise.
    /// A lower bound (the rest of the header counted at its smallest possible size): fetch at least this many,
    /// better a little more, and read again.
    public long neededBytes() {
        return neededBytes;
    }
}
