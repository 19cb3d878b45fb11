package dev.karuku.cli.server;

import dev.karuku.engine.generation.SamplingParams;

/// OpenAI's `presence_penalty` and `frequency_penalty` (each -2 to 2, 0 = off), already checked by the server.
/// [SamplingParams] on this branch has no fields for them (the batching work adds them): until it has, they leave
/// sampling as it is; this is the one place that maps them.
final class Penalties {

    private Penalties() {}

    static SamplingParams apply(SamplingParams sampling, float presence, float frequency) {
        return sampling;
    }
}
