package dev.karuku.engine.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThinkingTextTest {
    @Test
    void aReplyWithoutThinkingIsAllAnswer() {
        assertThat(ThinkingText.of("Hello <think> there")).isEqualTo(new ThinkingText("", "Hello <think> there", false, true));
    }

    @Test
    void thinkingStreamsUntilItsEndTagThenTheAnswerFollows() {
        assertThat(ThinkingText.of("<th")).isEqualTo(new ThinkingText("", "", true, false));
        assertThat(ThinkingText.of("\n<think>\nLet me see")).isEqualTo(new ThinkingText("Let me see", "", true, false));
        assertThat(ThinkingText.of("<think>Let me see</th")).isEqualTo(new ThinkingText("Let me see", "", true, false));
        assertThat(ThinkingText.of("<think>Let me see</think>\n\nIt is 4.")).isEqualTo(new ThinkingText("Let me see", "It is 4.", true, true));
    }

    @Test
    void joinWritesTheTagsBack() {
        String raw = ThinkingText.join("hmm", "4");
        assertThat(ThinkingText.of(raw)).isEqualTo(new ThinkingText("hmm", "4", true, true));
        assertThat(ThinkingText.join("", "4")).isEqualTo("4");
    }
}
