package dev.karuku.engine.template;

/// A chat template could not give a prompt: it raised on purpose ([Raised]) or the engine could not run it
/// ([Unsupported]).
public sealed class TemplateException extends RuntimeException
        permits TemplateException.Raised, TemplateException.Unsupported {

    private TemplateException(String message, Throwable cause) {
        super(message, cause);
    }

    /// The template called `raise_exception(message)`: it refuses this conversation (Gemma 2 refuses a system
    /// role, many templates require alternating user and assistant turns). [#getMessage] is the template's own
    /// words.
    public static final class Raised extends TemplateException {
        public Raised(String templateMessage) {
            super(templateMessage, null);
        }
    }

    /// The Jinja engine cannot parse or run the template (a construct it lacks); the caller falls back to
    /// llama.cpp's built-in formats.
    public static final class Unsupported extends TemplateException {
        public Unsupported(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
