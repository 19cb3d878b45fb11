package dev.karuku.engine.worker;

import dev.karuku.engine.hardware.Hardware;
import dev.karuku.engine.llama.LoadOptions;
import dev.karuku.engine.llama.TestFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// A worker answering N completions at once holds N contexts in one KV cache: its plan counts them.
class LoadPlanTest {

    private static final Hardware PC = Hardware.cpuOnly(32L << 30, 24L << 30, 8);

    @Test
    void fourSequencesOfAChosenContextNeedTheMemoryOfFourContexts() {
        LoadOptions chosen = LoadOptions.of(TestFixtures.tinySettings().withContextLength(4096));
        LoadPlan one = LoadPlan.of(TestFixtures.successor(), chosen, PC, 1);
        LoadPlan four = LoadPlan.of(TestFixtures.successor(), chosen, PC, 4);
        assertThat(four.options()).isEqualTo(chosen); // each sequence keeps the context asked for
        assertThat(four.ramBytes()).isGreaterThan(one.ramBytes());
    }

    @Test
    void theBestFitSharesItsContextBetweenTheSequences() {
        LoadPlan one = LoadPlan.of(TestFixtures.successor(), null, PC, 1);
        LoadPlan four = LoadPlan.of(TestFixtures.successor(), null, PC, 4);
        // the successor model was trained for 512 tokens: four sequences get 128 each, the same memory as one of 512
        assertThat(one.options().settings().contextLength()).isEqualTo(512);
        assertThat(four.options().settings().contextLength()).isEqualTo(128);
        assertThat(four.ramBytes()).isEqualTo(one.ramBytes());
    }
}
