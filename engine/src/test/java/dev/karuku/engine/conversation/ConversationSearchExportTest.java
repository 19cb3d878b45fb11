package dev.karuku.engine.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationSearchExportTest {
    @TempDir Path dir;

    @Test
    void searchFindsEveryChatThatMentionsTheWordsIgnoringCase() {
        var store = new ConversationStore(dir);
        String recipe, trip;
        try (var w = store.create("Dinner")) {
            recipe = w.id();
            w.add(Role.USER, "How long do I boil an egg?");
            w.add(Role.ASSISTANT, "About seven minutes for a firm yolk.");
        }
        try (var w = store.create("京都旅行")) {
            trip = w.id();
            w.add(Role.USER, "清水寺への行き方は?");
            w.add(Role.ASSISTANT, "Take bus 206, then walk; boil the kettle when you are back.");
        }
        assertThat(store.search("BOIL")).extracting(h -> h.conversation().id()).containsExactlyInAnyOrder(recipe, trip);
        assertThat(store.search("firm yolk")).singleElement().satisfies(h -> {
            assertThat(h.conversation().id()).isEqualTo(recipe);
            assertThat(h.snippet()).contains("seven minutes for a firm yolk");
        });
        assertThat(store.search("清水寺")).extracting(h -> h.conversation().id()).containsExactly(trip);
        assertThat(store.search("京都")).singleElement().satisfies(h -> assertThat(h.snippet()).isEqualTo("京都旅行"));
        assertThat(store.search("nothing like this")).isEmpty();
        assertThat(store.search("  ")).isEmpty();
    }

    @Test
    void exportWritesMarkdownToReadAndJsonInOpenAisFormat() throws Exception {
        var store = new ConversationStore(dir);
        String id;
        try (var w = store.create("Sums")) {
            id = w.id();
            w.systemPrompt("Be brief.");
            w.add(Role.USER, "2+2?");
            w.add(Role.ASSISTANT, "<think>\nTwo and two.\n</think>\n\nIt is 4.");
        }
        Conversation c = store.load(id);
        assertThat(ConversationExport.markdown(c, ConversationExport.Labels.ENGLISH)).isEqualTo("""
                # Sums

                ## System prompt

                Be brief.

                ## You

                2+2?

                ## Assistant

                <details><summary>Thinking</summary>

                Two and two.

                </details>

                It is 4.
                """);
        var json = new ObjectMapper().readTree(ConversationExport.json(c));
        assertThat(json.get("title").asText()).isEqualTo("Sums");
        assertThat(json.get("messages")).hasSize(3);
        assertThat(json.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(json.get("messages").get(1).get("content").asText()).isEqualTo("2+2?");
        assertThat(json.get("messages").get(2).get("content").asText()).isEqualTo("It is 4.");
        assertThat(json.get("messages").get(2).get("reasoning_content").asText()).isEqualTo("Two and two.");
    }
}
