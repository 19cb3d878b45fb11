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

    @Test
    void durationsAreWrittenInTheUsersLanguage() {
        Messages en = new Messages(java.util.Locale.ENGLISH);
        Messages ja = new Messages(java.util.Locale.JAPANESE);
        assertThat(Formats.seconds(en, 64)).isEqualTo("1 min 04 s");
        assertThat(Formats.seconds(ja, 64)).isEqualTo("1 分 04 秒");
        assertThat(Formats.seconds(ja, 3725)).isEqualTo("1 時間 02 分");
        assertThat(Formats.seconds(ja, 9)).isEqualTo("9 秒");
        assertThat(Formats.millis(en, 350)).isEqualTo("350 ms");
        assertThat(Formats.millis(ja, 350)).isEqualTo("350 ミリ秒");
        assertThat(Formats.millis(ja, 23_400)).isEqualTo("23.4 秒");
        // the chat's stats line has no English unit left in Japanese
        assertThat(ja.get("chat.stats", 12, "3.4", Formats.millis(ja, 23_400))).doesNotContain("ms").doesNotContain(" s").contains("23.4 秒");
    }

    @Test
    void countsAreAbbreviatedTheWayTheUsersLanguageDoes() {
        Messages en = new Messages(java.util.Locale.ENGLISH);
        Messages ja = new Messages(java.util.Locale.JAPANESE);
        assertThat(Formats.count(en, 4200)).isEqualTo("4.2k");
        assertThat(Formats.count(en, 1_300_000)).isEqualTo("1.3M");
        assertThat(Formats.count(ja, 950)).isEqualTo("950");
        assertThat(Formats.count(ja, 4200)).isEqualTo("4,200");
        assertThat(Formats.count(ja, 1_300_000)).isEqualTo("130万");
        assertThat(Formats.count(ja, 52_000)).isEqualTo("5.2万");
        assertThat(Formats.count(ja, 210_000_000)).isEqualTo("2.1億");
    }
}
