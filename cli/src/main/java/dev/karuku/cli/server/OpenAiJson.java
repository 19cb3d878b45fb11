package dev.karuku.cli.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.HostedModel;

import java.security.SecureRandom;
import java.util.List;

/// The bodies the server answers with, in exactly OpenAI's shapes (the official clients read them strictly): a
/// chat completion and its chunks, a text completion and its chunks, the model list, an error.
final class OpenAiJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String id;
    private final long created;
    private final String model;
    private final boolean chat;

    /// One answer's frame: its id (`chatcmpl-…` or `cmpl-…`), creation time and model name, shared by every chunk.
    OpenAiJson(boolean chat, String model) {
        this.chat = chat;
        this.model = model;
        this.created = System.currentTimeMillis() / 1000;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + randomId();
    }

    /// The whole answer (no streaming).
    ObjectNode complete(String text, CompletionResult result) {
        ObjectNode o = frame(chat ? "chat.completion" : "text_completion");
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        if (chat) {
            choice.putObject("message").put("role", "assistant").put("content", text).putNull("refusal");
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs").put("finish_reason", result.finishReason());
        o.set("usage", usage(result));
        o.set("timings", timings(result));
        return o;
    }

    /// The first chunk of a streamed chat answer: the assistant's role, no text yet.
    ObjectNode roleChunk(boolean includeUsage) {
        ObjectNode o = chunk(includeUsage);
        choice(o).putObject("delta").put("role", "assistant").put("content", "");
        choiceEnd(o, null);
        return o;
    }

    /// A piece of streamed text.
    ObjectNode textChunk(String piece, boolean includeUsage) {
        ObjectNode o = chunk(includeUsage);
        ObjectNode c = choice(o);
        if (chat) c.putObject("delta").put("content", piece);
        else c.put("text", piece);
        choiceEnd(o, null);
        return o;
    }

    /// The chunk that says why the answer ended.
    ObjectNode finishChunk(CompletionResult result, boolean includeUsage) {
        ObjectNode o = chunk(includeUsage);
        ObjectNode c = choice(o);
        if (chat) c.putObject("delta");
        else c.put("text", "");
        choiceEnd(o, result.finishReason());
        o.set("timings", timings(result));
        return o;
    }

    /// With `stream_options.include_usage`: the last chunk, no choices, the token counts.
    ObjectNode usageChunk(CompletionResult result) {
        ObjectNode o = frame(chat ? "chat.completion.chunk" : "text_completion");
        o.putArray("choices");
        o.set("usage", usage(result));
        o.set("timings", timings(result));
        return o;
    }

    static ObjectNode models(List<HostedModel> models, long created) {
        ObjectNode o = MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (HostedModel m : models) {
            data.addObject().put("id", m.id()).put("object", "model").put("created", created).put("owned_by", "karuku");
        }
        return o;
    }

    static ObjectNode error(ApiError e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.putObject("error").put("message", e.getMessage()).put("type", e.type()).put("param", e.param()).put("code", e.code());
        return o;
    }

    /// `prompt_tokens` counts the whole prompt, also the part the KV cache already held.
    private static ObjectNode usage(CompletionResult r) {
        int prompt = r.stats().promptTokens() + r.stats().reusedTokens();
        int completion = r.stats().generatedTokens();
        return MAPPER.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    /// What llama-server reports beside `usage` (its field names, so tools that read them read ours): the prompt
    /// tokens reused from the cache and evaluated, the generated ones, their times and rates, and with speculative
    /// decoding the tokens proposed (`draft_n`) and accepted (`draft_n_accepted`). OpenAI clients ignore it.
    private static ObjectNode timings(CompletionResult r) {
        GenerationStats s = r.stats();
        double promptMs = s.promptNanos() / 1e6, predictedMs = s.generationNanos() / 1e6;
        ObjectNode t = MAPPER.createObjectNode()
                .put("cache_n", s.reusedTokens())
                .put("prompt_n", s.promptTokens())
                .put("prompt_ms", promptMs)
                .put("prompt_per_token_ms", s.promptTokens() == 0 ? 0 : promptMs / s.promptTokens())
                .put("prompt_per_second", s.promptTokensPerSecond())
                .put("predicted_n", s.generatedTokens())
                .put("predicted_ms", predictedMs)
                .put("predicted_per_token_ms", s.generatedTokens() == 0 ? 0 : predictedMs / s.generatedTokens())
                .put("predicted_per_second", s.tokensPerSecond());
        if (s.draftedTokens() > 0) t.put("draft_n", s.draftedTokens()).put("draft_n_accepted", s.acceptedTokens());
        return t;
    }

    private ObjectNode frame(String object) {
        return MAPPER.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    private ObjectNode chunk(boolean includeUsage) {
        ObjectNode o = frame(chat ? "chat.completion.chunk" : "text_completion");
        o.putArray("choices");
        if (includeUsage) o.putNull("usage");
        return o;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return ((ArrayNode) chunk.get("choices")).addObject().put("index", 0);
    }

    private static void choiceEnd(ObjectNode chunk, String finishReason) {
        ObjectNode c = (ObjectNode) chunk.get("choices").get(0);
        c.putNull("logprobs");
        if (finishReason == null) c.putNull("finish_reason");
        else c.put("finish_reason", finishReason);
    }

    private static String randomId() {
        StringBuilder s = new StringBuilder(24);
        for (int i = 0; i < 24; i++) s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return s.toString();
    }
}
