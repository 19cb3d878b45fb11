package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopStringFilterTest {

    @Test
    void stopStringIsNotEmittedAndEndsTheOutput() {
        StopStringFilter f = new StopStringFilter(List.of("\nUser:"));
        assertThat(f.feed("Hello there")).isEqualTo("Hello there");
        assertThat(f.feed("!\nUs")).isEqualTo("!");       // "\nUs" might start the stop string: held
        assertThat(f.feed("er: more")).isEmpty();
        assertThat(f.stopped()).isTrue();
        assertThat(f.feed("ignored")).isEmpty();
        assertThat(f.flush()).isEmpty();
    }

    @Test
    void heldBackTextIsReleasedWhenItTurnsOutOrdinary() {
        StopStringFilter f = new StopStringFilter(List.of("</answer>"));
        assertThat(f.feed("a </")).isEqualTo("a ");
        assertThat(f.feed("b>")).isEqualTo("</b>");
        assertThat(f.feed("x <")).isEqualTo("x ");
        assertThat(f.flush()).isEqualTo("<"); // generation ended: it was not a stop string
        assertThat(f.stopped()).isFalse();
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        StopStringFilter f = new StopStringFilter(List.of("END", "。"));
        assertThat(f.feed("これで終わり。END")).isEqualTo("これで終わり");
        assertThat(f.stopped()).isTrue();
    }

    @Test
    void withoutStopStringsEverythingPassesAtOnce() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertThat(f.feed("abc")).isEqualTo("abc");
        assertThat(f.flush()).isEmpty();
    }
}
