package dev.karuku.cli.server;

import dev.karuku.engine.generation.SamplingParams;

/// OpenAI's `presence_penalty` and `frequency_penalty` (each -2 to 2, 0 = off), already checked by the server,
/// mapped onto llama.cpp's penalties sampler.
final class Penalties {

    private Penalties() {}

    static SamplingParams apply(SamplingParams sampling, float presence, float frequency) {
        return sampling.withPenalties(presence, frequency);
    }
}
