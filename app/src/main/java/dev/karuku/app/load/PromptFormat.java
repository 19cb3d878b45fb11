package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.conversation.Role;
import java.util.List;
import java.util.Optional;

/// Turns a conversation into the prompt text a model expects, recognising the common chat-template families by
/// their marker tokens (ChatML, Llama 3, Gemma). A model without a template (a base model, or the test model)
/// gets the plain text of the conversation, so it simply continues it.
///
/// Interim: the engine's chat session (rendering the model's own Jinja template) replaces this when it lands.
final class PromptFormat {
    private PromptFormat() {}

    static String render(Optional<String> template, String system, List<ChatBackend.Turn> turns) {
        String t = template.orElse("");
        StringBuilder out = new StringBuilder();
        if (t.contains("<|im_start|>")) {
            if (!system.isBlank()) out.append("<|im_start|>system\n").append(system).append("<|im_end|>\n");
            for (var turn : turns) out.append("<|im_start|>").append(role(turn)).append('\n').append(turn.text()).append("<|im_end|>\n");
            return out.append("<|im_start|>assistant\n").toString();
        }
        if (t.contains("<|start_header_id|>")) {
            out.append("<|begin_of_text|>");
            if (!system.isBlank()) out.append("<|start_header_id|>system<|end_header_id|>\n\n").append(system).append("<|eot_id|>");
            for (var turn : turns) {
                out.append("<|start_header_id|>").append(role(turn)).append("<|end_header_id|>\n\n").append(turn.text()).append("<|eot_id|>");
            }
            return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
        }
        if (t.contains("<start_of_turn>")) {
            boolean first = true;
            for (var turn : turns) {
                String text = first && !system.isBlank() ? system + "\n\n" + turn.text() : turn.text();
                first = false;
                out.append("<start_of_turn>").append(turn.role() == Role.USER ? "user" : "model").append('\n').append(text).append("<end_of_turn>\n");
            }
            return out.append("<start_of_turn>model\n").toString();
        }
        if (!system.isBlank()) out.append(system).append("\n\n");
        for (int i = 0; i < turns.size(); i++) {
            if (i > 0) out.append('\n');
            out.append(turns.get(i).text());
        }
        return out.toString();
    }

    /// Stop strings that end a turn in the recognised formats.
    static List<String> stops(Optional<String> template) {
        String t = template.orElse("");
        if (t.contains("<|im_start|>")) return List.of("<|im_end|>");
        if (t.contains("<|start_header_id|>")) return List.of("<|eot_id|>");
        if (t.contains("<start_of_turn>")) return List.of("<end_of_turn>");
        return List.of();
    }

    private static String role(ChatBackend.Turn turn) {
        return turn.role() == Role.USER ? "user" : "assistant";
    }
}
