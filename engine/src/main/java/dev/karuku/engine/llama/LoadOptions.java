package dev.karuku.engine.llama;

import dev.karuku.engine.hardware.CpuInfo;
import dev.karuku.engine.settings.LoadSettings;

import java.util.Objects;

/// A load as the binding takes it: the [LoadSettings] plus who is told the load's progress.
///
/// ```java
/// LoadOptions o = LoadOptions.of(LoadSettings.DEFAULTS.withGpuLayers(20).withContextLength(8192));
/// ```
///
/// @param settings GPU layers, context, KV type, flash attention, threads, batch sizes, mmap
/// @param progress told the load progress; may cancel
public record LoadOptions(LoadSettings settings, LoadProgressListener progress) {

    public LoadOptions {
        Objects.requireNonNull(settings, "settings");
        progress = progress == null ? LoadProgressListener.NONE : progress;
    }

    public static LoadOptions of(LoadSettings settings) {
        return new LoadOptions(settings, LoadProgressListener.NONE);
    }

    /// [LoadSettings#DEFAULTS], no progress listener.
    public static LoadOptions defaults() {
        return of(LoadSettings.DEFAULTS);
    }

    public LoadOptions withProgress(LoadProgressListener p) {
        return new LoadOptions(settings, p);
    }

    /// The most threads for generating tokens: the settings' count, or one per physical core for
    /// [LoadSettings#AUTO_THREADS]; a context uses fewer while that is faster ([Context#adaptThreads]).
    public int threads() {
        return resolve(settings.threads());
    }

    /// Threads for evaluating prompts: the settings' count, or one per physical core for [LoadSettings#AUTO_THREADS].
    public int batchThreads() {
        return resolve(settings.batchThreads());
    }

    private static int resolve(int threads) {
        return threads == LoadSettings.AUTO_THREADS ? CpuInfo.physicalCores() : threads;
    }
}
