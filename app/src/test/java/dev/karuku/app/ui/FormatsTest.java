package dev.karuku.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatsTest {
    @Test
    void speedsReadLikeAPersonWouldSayThem() {
        assertThat(Formats.speed(48445.9)).isEqualTo("> 1000");
        assertThat(Formats.speed(Double.POSITIVE_INFINITY)).isEqualTo("> 1000");
        assertThat(Formats.speed(1000)).isEqualTo("1000");
        assertThat(Formats.speed(123.6)).isEqualTo("124");
        assertThat(Formats.speed(10.2)).isEqualTo("10");
        assertThat(Formats.speed(4.56)).isEqualTo("4.6");
        assertThat(Formats.speed(0.04)).isEqualTo("< 0.1");
    }

    @Test
    void noSpeedIsShownWithoutAnEstimate() {
        assertThat(Formats.speed(0)).isEmpty();
        assertThat(Formats.speed(-3)).isEmpty();
        assertThat(Formats.speed(Double.NaN)).isEmpty();
    }

    @Test
    void sizesUseTheNearestUnit() {
        assertThat(Formats.bytes(512)).isEqualTo("512 B");
        assertThat(Formats.bytes(1001L * 1024)).isEqualTo("1001 KB");
        assertThat(Formats.bytes(5L << 30)).isEqualTo("5.00 GB");
    }
}
