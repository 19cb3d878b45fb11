package dev.karuku.engine.llama;

/// The text does not fit in the context window. Nothing was evaluated; the context is still usable.
/// The remedy for a person: a shorter message, a new chat, or a larger context length when loading.
public final class ContextOverflowException extends LlamaException {

    private final int needed;
    private final int available;

    public ContextOverflowException(int needed, int available) {
        super("the conversation needs " + needed + " tokens but the context holds " + available
                + ": start a new chat, shorten the message, or load the model with a larger context");
        this.needed = needed;
        this.available = available;
    }

    public int needed() {
        return needed;
    }

    public int available() {
        return available;
    }
}
