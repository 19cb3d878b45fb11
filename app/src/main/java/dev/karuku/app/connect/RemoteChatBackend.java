package dev.karuku.app.connect;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.engine.serve.ServeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/// [ChatBackend] over any [ModelHost] and one of its models: a connection's server (another PC's `karuku serve`,
/// llama-server, Ollama, LM Studio, vLLM), or this PC's own supervisor. The request is built as for every backend
/// ([ChatBackend.ChatRequest#messages()], [ChatBackend.ChatRequest#generateOptions()], its grammar), so the Chat
/// screen streams, stops and saves these replies exactly like local ones.
///
/// There is no tokenizer on this side: the context the conversation takes is an estimate (about four characters a
/// token, what OpenAI's own guidance says for English; fewer for Japanese), and [#contextLength()] is 0 (unknown)
/// unless the server counted a reply's prompt, which then stands in for it.
public final class RemoteChatBackend implements ChatBackend {
    private final ModelHost host;
    private final String model;
    private final Function<ServeException, String> describe;

    /// @param describe the words the Chat screen shows for a failure (translated by the caller)
    public RemoteChatBackend(ModelHost host, String model, Function<ServeException, String> describe) {
        this.host = host;
        this.model = model;
        this.describe = describe;
    }

    public String model() {
        return model;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        CompletionRequest completion = CompletionRequest.chat(model, request.messages(), request.generateOptions());
        if (request.grammar() != null) completion = completion.withGrammar(request.grammar());
        var c = host.submit(completion, new CompletionListener() {
            @Override
            public void onText(String piece) {
                listener.token(piece);
            }

            @Override
            public void onComplete(CompletionResult r) {
                GenerationStats st = r.stats();
                listener.done(new Result(st.generatedTokens(), st.tokensPerSecond(), Math.round(st.timeToFirstTokenMillis()),
                        r.reason() == dev.karuku.engine.generation.StopReason.CANCELLED,
                        st.promptTokens() > 0 ? st.promptTokens() + st.generatedTokens() : 0,
                        switch (r.reason()) {
                            case MAX_TOKENS -> MessageStats.Limit.REPLY_LENGTH;
                            case CONTEXT_FULL -> MessageStats.Limit.CONTEXT;
                            case END_OF_GENERATION, STOP_STRING, CANCELLED -> null;
                        }));
            }

            @Override
            public void onError(ServeException e) {
                listener.failed(describe.apply(e));
            }
        });
        return c::cancel;
    }

    /// Unknown (0): an OpenAI-compatible server does not say how long its context is.
    @Override
    public int contextLength() {
        return 0;
    }

    /// An estimate, without the model's tokenizer: about four characters a token.
    @Override
    public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
        long chars = systemPrompt == null ? 0 : systemPrompt.length();
        for (Turn t : turns) chars += t.text().length() + 8; // and a little for each turn's role markers
        return CompletableFuture.completedFuture((int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4));
    }
}
