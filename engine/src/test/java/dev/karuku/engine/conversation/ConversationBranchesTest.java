package dev.karuku.engine.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Regenerating and resending an edit keep the earlier version as a branch; the log stays readable as it was.
class ConversationBranchesTest {
    @TempDir Path dir;

    @Test
    void aConversationSavedBeforeBranchesExistedReadsAsItAlwaysDid() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("before-branches.jsonl")) {
            Files.copy(in, dir.resolve("c1.jsonl"));
        }
        Conversation c = new ConversationStore(dir).load("c1");
        assertThat(c.title()).isEqualTo("Alphabet");
        assertThat(c.systemPrompt()).isEqualTo("Be brief.");
        assertThat(c.messages()).extracting(StoredMessage::id).containsExactly("m1", "m3", "m5");
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("abc", "defg", "uvw");
        assertThat(c.messages().get(1).stats()).isEqualTo(new MessageStats(4, 40.0, 10, true));
        assertThat(c.versions()).as("truncated messages are gone, not versions").isEmpty();
        assertThat(c.unreadable()).isZero();
        // and it goes on being written
        try (var w = new ConversationStore(dir).open("c1")) {
            w.add(Role.ASSISTANT, "xyz");
        }
        assertThat(new ConversationStore(dir).load("c1").messages()).extracting(StoredMessage::text)
                .containsExactly("abc", "defg", "uvw", "xyz");
    }

    @Test
    void regeneratingAndEditingKeepEarlierVersionsAndSelectSwitchesBetweenThem() {
        var store = new ConversationStore(dir);
        String id;
        String first, second, edited;
        try (var w = store.create("Branches")) {
            id = w.id();
            String q = w.add(Role.USER, "abc");
            first = w.add(Role.ASSISTANT, "def");
            w.add(Role.USER, "more");
            w.add(Role.ASSISTANT, "ghi");
            w.branchFrom(first);                      // regenerate the first answer
            second = w.add(Role.ASSISTANT, "DEF");
            assertThat(store.load(id).messages()).extracting(StoredMessage::text).containsExactly("abc", "DEF");
            assertThat(store.load(id).versionsOf(second)).containsExactly(first, second);

            w.select(first);                          // back to the first version, with what followed it
            assertThat(store.load(id).messages()).extracting(StoredMessage::text).containsExactly("abc", "def", "more", "ghi");
            assertThat(store.load(id).versionsOf(first)).containsExactly(first, second);

            w.branchFrom(q);                          // edit the question and resend
            edited = w.add(Role.USER, "xyz");
            w.add(Role.ASSISTANT, "uvw");
        }
        Conversation c = store.load(id);
        assertThat(c.messages()).extracting(StoredMessage::text).containsExactly("xyz", "uvw");
        assertThat(c.versionsOf(edited)).hasSize(2);
        try (var w = store.open(id)) {
            w.select(c.versionsOf(edited).getFirst());
        }
        assertThat(store.load(id).messages()).extracting(StoredMessage::text).as("the old question with the answer last shown")
                .containsExactly("abc", "def", "more", "ghi");
        assertThat(store.load(id).unreadable()).isZero();
        assertThat(List.of(first, second)).doesNotHaveDuplicates();
    }
}
