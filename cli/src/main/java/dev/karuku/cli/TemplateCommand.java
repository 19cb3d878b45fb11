package dev.karuku.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.gguf.GgufFile;
import dev.karuku.engine.gguf.GgufMetadata;
import dev.karuku.engine.gguf.GgufValue;
import dev.karuku.engine.llama.ChatFormatter;
import dev.karuku.engine.llama.LlamaRuntime;
import dev.karuku.engine.template.JinjaChatTemplate;
import dev.karuku.engine.template.TemplateException;
import dev.karuku.engine.template.TemplateMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/// `karuku template MODEL --messages FILE.json`: the prompt a model is given for a conversation, exactly — its own
/// chat template rendered as the chat renders it, so a user sees what the model is fed and a bug report can carry
/// it. Reads the GGUF header only.
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Print the prompt a model's chat template makes of a conversation (messages in OpenAI's chat format).")
final class TemplateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .gguf model file")
    Path model;

    @Option(names = "--messages", required = true, paramLabel = "FILE.json",
            description = "the conversation: a JSON array of {\"role\", \"content\", …} (or an object with \"messages\")")
    Path messages;

    @Option(names = "--tools", paramLabel = "FILE.json", description = "tools offered: a JSON array of OpenAI function tools")
    Path tools;

    @Option(names = "--no-generation-prompt", description = "do not end with the assistant's turn header")
    boolean noGenerationPrompt;

    @Option(names = "--json", description = "print machine-readable JSON")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GgufFile gguf = CliErrors.readHeader(model);
        GgufMetadata meta = gguf.metadata();
        String source = meta.string("tokenizer.chat_template").orElseThrow(() ->
                new IllegalStateException(model + " has no chat template (tokenizer.chat_template); chats format it as ChatML or plain text"));
        List<TemplateMessage> conversation = new ArrayList<>();
        JsonNode m = JSON.readTree(messages.toFile());
        if (m.isObject() && m.has("messages")) m = m.get("messages");
        if (!m.isArray()) throw new CliErrors.UsageProblem("--messages must hold a JSON array of messages: " + messages);
        m.forEach(x -> conversation.add(TemplateMessage.fromJson(x)));
        List<JsonNode> offered = new ArrayList<>();
        if (tools != null) {
            JsonNode t = JSON.readTree(tools.toFile());
            if (t.isObject() && t.has("tools")) t = t.get("tools");
            if (!t.isArray()) throw new CliErrors.UsageProblem("--tools must hold a JSON array of tools: " + tools);
            t.forEach(offered::add);
        }
        JinjaChatTemplate template = new JinjaChatTemplate(source, token(meta, "tokenizer.ggml.bos_token_id"),
                token(meta, "tokenizer.ggml.eos_token_id"), Clock.systemDefaultZone());
        String prompt;
        String notice = null;
        try {
            prompt = template.render(conversation, offered, !noGenerationPrompt, Map.of());
        } catch (TemplateException.Raised r) {
            throw new IllegalStateException("the model's chat template refuses this conversation: " + r.getMessage());
        } catch (TemplateException.Unsupported u) {
            // What the chat does then: llama.cpp's built-in format for the template it recognises.
            notice = CliErrors.describe(u) + "; llama.cpp's built-in format is used instead";
            LlamaRuntime.load();
            prompt = ChatFormatter.apply(source, conversation.stream()
                    .map(x -> new ChatFormatter.Turn(x.role(), x.content() == null ? "" : x.content())).toList(),
                    !noGenerationPrompt).orElseThrow(() -> new IllegalStateException(
                            "the model's chat template cannot be run, and llama.cpp does not recognise it"));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("prompt", prompt);
            o.put("renderer", notice == null ? "jinja" : "llama.cpp");
            if (notice != null) o.put("notice", notice);
            out.println(JSON.writeValueAsString(o));
        } else {
            if (notice != null) spec.commandLine().getErr().println("karuku: " + notice);
            out.print(prompt);
        }
        out.flush();
        return 0;
    }

    /// The text of the special token whose id `key` holds, or "" when the model names none.
    private static String token(GgufMetadata meta, String key) {
        var id = meta.integer(key);
        List<GgufValue> tokens = meta.array("tokenizer.ggml.tokens");
        if (id.isEmpty() || id.getAsLong() < 0 || id.getAsLong() >= tokens.size()) return "";
        return tokens.get((int) id.getAsLong()) instanceof GgufValue.Str s ? s.value() : "";
    }
}
