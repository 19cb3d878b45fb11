package dev.karuku.engine.llama;

/// llama.cpp's libraries could not be found or loaded. The message lists every path tried and what to do
/// (set `-Dkaruku.natives` / `KARUKU_NATIVES`, or add `--enable-native-access=ALL-UNNAMED`).
public final class NativesUnavailableException extends LlamaException {

    public NativesUnavailableException(String message) {
        super(message);
    }

    public NativesUnavailableException(String message, Throwable cause) {
        super(message, java.util.List.of(), cause);
    }
}
