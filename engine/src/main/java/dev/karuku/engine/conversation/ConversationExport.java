package dev.karuku.engine.conversation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.chat.ThinkingText;

/// A conversation as a file to keep or share: Markdown to read, or JSON in OpenAI's chat format (`role`, `content`,
/// a reasoning model's thinking as `reasoning_content`) to feed elsewhere. The shown version of each message.
public final class ConversationExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /// The headings of the Markdown, in the user's language.
    public record Labels(String system, String user, String assistant, String thinking) {
        public static final Labels ENGLISH = new Labels("System prompt", "You", "Assistant", "Thinking");
    }

    private ConversationExport() {}

    /// The title as a heading, the system prompt, then each message under its author's name; thinking in a
    /// collapsed `<details>` block.
    public static String markdown(Conversation c, Labels labels) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(c.title().isBlank() ? "Chat" : c.title()).append("\n\n");
        if (!c.systemPrompt().isBlank()) out.append("## ").append(labels.system()).append("\n\n").append(c.systemPrompt().strip()).append("\n\n");
        for (StoredMessage m : c.messages()) {
            boolean user = m.role() == Role.USER;
            out.append("## ").append(user ? labels.user() : labels.assistant()).append("\n\n");
            if (user) {
                out.append(m.text().strip()).append("\n\n");
                continue;
            }
            ThinkingText t = ThinkingText.of(m.text());
            if (!t.thinking().isEmpty()) {
                out.append("<details><summary>").append(labels.thinking()).append("</summary>\n\n")
                        .append(t.thinking()).append("\n\n</details>\n\n");
            }
            out.append(t.answer().strip()).append("\n\n");
        }
        return out.toString().stripTrailing() + "\n";
    }

    /// `{"title", "created", "messages": [{"role", "content", "reasoning_content"?}]}`, the system prompt first.
    public static String json(Conversation c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", c.title());
        root.put("created", c.created().toString());
        ArrayNode messages = root.putArray("messages");
        if (!c.systemPrompt().isBlank()) messages.addObject().put("role", "system").put("content", c.systemPrompt());
        for (StoredMessage m : c.messages()) {
            ObjectNode n = messages.addObject();
            if (m.role() == Role.USER) {
                n.put("role", "user").put("content", m.text());
                continue;
            }
            ThinkingText t = ThinkingText.of(m.text());
            n.put("role", "assistant").put("content", t.answer());
            if (!t.thinking().isEmpty()) n.put("reasoning_content", t.thinking());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConversationException("Could not write the conversation as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
