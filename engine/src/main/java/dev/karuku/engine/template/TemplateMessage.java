package dev.karuku.engine.template;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

/// One message in OpenAI's chat format, as chat templates read it: `role`, `content` and, where present,
/// `reasoning_content`, `tool_calls`, `name`, `tool_call_id`.
///
/// @param content the text, or null (an assistant turn that only calls tools)
/// @param toolCalls OpenAI tool calls (`{"id", "type": "function", "function": {"name", "arguments"}}`), empty for none
public record TemplateMessage(String role, String content, String reasoningContent, List<JsonNode> toolCalls,
                              String name, String toolCallId) {

    public TemplateMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static TemplateMessage of(String role, String content) {
        return new TemplateMessage(role, content, null, List.of(), null, null);
    }

    /// A message of an OpenAI chat request (`{"role": …, "content": …}`; content parts of type `text` are joined).
    public static TemplateMessage fromJson(JsonNode m) {
        if (!m.hasNonNull("role")) throw new IllegalArgumentException("a message has no \"role\": " + m);
        JsonNode c = m.get("content");
        String content;
        if (c == null || c.isNull()) content = null;
        else if (c.isTextual()) content = c.asText();
        else if (c.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : c) if (part.path("type").asText().equals("text")) b.append(part.path("text").asText());
            content = b.toString();
        } else throw new IllegalArgumentException("a message's \"content\" is neither text nor parts: " + m);
        List<JsonNode> calls = new java.util.ArrayList<>();
        m.path("tool_calls").forEach(calls::add);
        return new TemplateMessage(m.get("role").asText(), content, text(m, "reasoning_content"), calls,
                text(m, "name"), text(m, "tool_call_id"));
    }

    private static String text(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
