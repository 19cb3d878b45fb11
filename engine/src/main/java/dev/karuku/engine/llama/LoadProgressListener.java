package dev.karuku.engine.llama;

/// Told how far a model load has come; returning false cancels the load, which then ends with a
/// [LoadCancelledException]. Called on the loading thread from inside llama.cpp: return quickly, never block.
@FunctionalInterface
public interface LoadProgressListener {

    /// @param fraction 0.0 to 1.0
    /// @return true to go on, false to cancel
    boolean onProgress(float fraction);

    LoadProgressListener NONE = fraction -> true;
}
