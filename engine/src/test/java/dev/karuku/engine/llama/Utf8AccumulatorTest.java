package dev.karuku.engine.llama;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8AccumulatorTest {

    @Test
    void japaneseSplitAtEveryByteComesOutAsWholeCharacters() {
        byte[] bytes = "かるく、日本語🙂".getBytes(StandardCharsets.UTF_8);
        Utf8Accumulator acc = new Utf8Accumulator();
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            String piece = acc.append(new byte[]{b});
            assertThat(piece).doesNotContain("\uFFFD");
            out.append(piece);
        }
        assertThat(out.toString()).isEqualTo("かるく、日本語🙂");
        assertThat(acc.isEmpty()).isTrue();
    }

    @Test
    void aSequenceSplitAcrossTwoPiecesIsHeldUntilComplete() {
        byte[] nichi = "日".getBytes(StandardCharsets.UTF_8); // E6 97 A5
        Utf8Accumulator acc = new Utf8Accumulator();
        assertThat(acc.append(new byte[]{'a', nichi[0], nichi[1]})).isEqualTo("a");
        assertThat(acc.append(new byte[]{nichi[2], 'b'})).isEqualTo("日b");
    }

    @Test
    void fourByteEmojiSplitAfterOneByte() {
        byte[] e = "🙂".getBytes(StandardCharsets.UTF_8);
        Utf8Accumulator acc = new Utf8Accumulator();
        assertThat(acc.append(new byte[]{e[0]})).isEmpty();
        assertThat(acc.append(new byte[]{e[1], e[2], e[3]})).isEqualTo("🙂");
    }

    @Test
    void malformedBytesBecomeReplacementCharactersInsteadOfBlockingTheStream() {
        Utf8Accumulator acc = new Utf8Accumulator();
        assertThat(acc.append(new byte[]{(byte) 0x97, (byte) 0xA5, 'x'})).isEqualTo("\uFFFD\uFFFDx");
        assertThat(acc.append(new byte[]{(byte) 0xE6})).isEmpty();
        assertThat(acc.flush()).isEqualTo("\uFFFD"); // generation ended inside a character
    }
}
