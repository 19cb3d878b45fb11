package dev.karuku.engine.worker;

/// Told how an explicit [Supervisor#load] comes along, on a thread of the supervisor's: first that a worker
/// process is starting, then llama.cpp's own load progress. Return quickly.
public interface LoadProgress {

    /// A worker process is being started for the model (a JVM, then llama.cpp's backends).
    default void startingWorker() {}

    /// llama.cpp has read `fraction` (0 to 1) of the model.
    default void loading(float fraction) {}

    LoadProgress NONE = new LoadProgress() {};
}
