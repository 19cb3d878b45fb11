package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.app.chat.Sampling;
import dev.karuku.engine.llama.GenerateOptions;
import dev.karuku.engine.llama.GenerationStats;
import dev.karuku.engine.llama.SamplingParams;
import dev.karuku.engine.llama.StopReason;

/// [ChatBackend] over the engine's `LoadedModel`: generation runs on the model's own inference thread; its
/// text pieces go straight to the Chat screen's buffer.
final class LlamaChatBackend implements ChatBackend {
    private final dev.karuku.engine.llama.LoadedModel model;
    private final int contextLength;
    private final boolean useTemplate;

    LlamaChatBackend(dev.karuku.engine.llama.LoadedModel model, int contextLength, boolean useTemplate) {
        this.model = model;
        this.contextLength = contextLength;
        this.useTemplate = useTemplate;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        var template = useTemplate ? model.info().chatTemplate() : java.util.Optional.<String>empty();
        String prompt = PromptFormat.render(template, request.systemPrompt(), request.turns());
        Sampling s = request.sampling();
        SamplingParams params = s.temperature() <= 0 ? SamplingParams.greedy()
                : SamplingParams.defaults().withTemperature((float) s.temperature()).withTopK(s.topK())
                        .withTopP((float) s.topP()).withRepeatPenalty((float) s.repeatPenalty(), 64);
        GenerateOptions options = GenerateOptions.defaults().withMaxTokens(s.maxTokens()).withSampling(params)
                .withStopStrings(PromptFormat.stops(template));
        var generation = model.generate(prompt, options, listener::token);
        generation.result().whenComplete((r, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                listener.failed(cause.getMessage());
                return;
            }
            GenerationStats st = r.stats();
            listener.done(new Result(st.generatedTokens(), st.tokensPerSecond(), Math.round(st.timeToFirstTokenMillis()),
                    r.stopReason() == StopReason.CANCELLED, st.promptTokens() + st.reusedTokens() + st.generatedTokens()));
        });
        return generation::cancel;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }
}
