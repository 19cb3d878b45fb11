package dev.karuku.app.load;

import dev.karuku.app.chat.ChatBackend;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.conversation.MessageStats;
import dev.karuku.engine.conversation.Role;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;
import dev.karuku.engine.worker.Supervisor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/// [ChatBackend] over a model in a worker process ([Supervisor]). The worker keeps the conversation's tokens in
/// its KV cache between turns and reads only what is new (the prefix it still holds is reused). A conversation
/// longer than the context is sent from its newest turns that leave room for the reply, as the model's tokenizer
/// and template count them. When the worker dies mid-answer the listener hears `failed` with the reason in the
/// user's language; the text so far stays with the answer.
final class WorkerChatBackend implements ChatBackend {
    private final Supervisor host;
    private final String model;
    private final int contextLength;
    private final Function<ServeException, String> describe;
    private final Consumer<GenerationStats> replied;
    private TemplateInfo templateInfo = TemplateInfo.UNKNOWN;
    private java.util.function.DoubleSupplier baseline = () -> 0;

    /// @param replied told every finished reply's timings (null: nobody)
    WorkerChatBackend(Supervisor host, String model, int contextLength, Function<ServeException, String> describe,
                      Consumer<GenerationStats> replied) {
        this.host = host;
        this.model = model;
        this.contextLength = contextLength;
        this.describe = describe;
        this.replied = replied;
    }

    @Override
    public Generation reply(ChatRequest request, Listener listener) {
        List<Turn> turns = request.turns();
        if (turns.isEmpty() || turns.getLast().role() != Role.USER) throw new IllegalArgumentException("the last turn must be the user's");
        Reply r = new Reply(request, listener);
        Thread.ofVirtual().name("karuku-reply").start(r::start);
        return r::stop;
    }

    /// What the worker found of the model's chat template: whether it runs and offers a thinking switch.
    WorkerChatBackend withTemplate(TemplateInfo info) {
        this.templateInfo = info;
        return this;
    }

    /// This model's measured generation speed without speculative decoding (0: none yet), the baseline of a
    /// speculative reply's speed-up.
    WorkerChatBackend withBaseline(java.util.function.DoubleSupplier tokensPerSecond) {
        this.baseline = tokensPerSecond;
        return this;
    }

    @Override
    public TemplateInfo templateInfo() {
        return templateInfo;
    }

    /// The id the supervisor hosts this model under.
    String model() {
        return model;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public CompletableFuture<Integer> contextTokens(String systemPrompt, List<Turn> turns, int maxTokens) {
        if (turns.isEmpty()) return CompletableFuture.completedFuture(0);
        return CompletableFuture.supplyAsync(() -> window(new ChatRequest(systemPrompt, turns, null), maxTokens).tokens(),
                r -> Thread.ofVirtual().start(r));
    }

    record Window(ChatRequest request, int tokens) {}

    private Window window(ChatRequest request, int maxTokens) {
        return window(request, maxTokens, contextLength, messages -> host.countTokens(model, messages).join());
    }

    /// What the model is given of `request`: from the first turn that leaves room for a `maxTokens` reply (0: a
    /// quarter of the context), dropping the oldest exchanges until it fits (the last one whether it fits or not).
    ///
    /// Each count is a round trip to the worker, which tokenizes the whole window through the template: instead of
    /// one count per dropped exchange (a long sliding conversation paid dozens per reply), the whole conversation is
    /// counted first (it usually fits) and else the first start that fits is found by halving, as a conversation's
    /// tail only gets shorter with fewer turns: at most 2 + log2(exchanges) counts, the same window.
    static Window window(ChatRequest request, int maxTokens, int contextLength, ToIntFunction<List<ChatMessage>> count) {
        int reserve = maxTokens <= 0 ? contextLength / 4 : Math.min(maxTokens, contextLength / 4);
        List<Turn> turns = request.turns();
        // where a window may start: the first turn, then each user turn after it (or the last turn)
        List<Integer> starts = new ArrayList<>();
        for (int start = 0; start < turns.size(); ) {
            starts.add(start);
            int next = start + 1;
            while (next < turns.size() - 1 && turns.get(next).role() != Role.USER) next++;
            start = next;
        }
        Map<Integer, Window> counted = new HashMap<>();
        IntFunction<Window> at = i -> counted.computeIfAbsent(i, k -> {
            ChatRequest view = new ChatRequest(request.systemPrompt(), turns.subList(starts.get(k), turns.size()),
                    request.sampling(), request.grammar(), request.templateArgs());
            return new Window(view, count.applyAsInt(view.messages()));
        });
        IntPredicate fits = i -> at.apply(i).tokens() + reserve <= contextLength;
        int lo = 0, hi = starts.size() - 1; // the first start that fits is in [lo, hi]; hi when none does
        if (!fits.test(lo)) {
            lo++;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (fits.test(mid)) hi = mid;
                else lo = mid + 1;
            }
        }
        Window w = at.apply(Math.min(lo, hi));
        return new Window(w.request(), Math.min(w.tokens(), contextLength));
    }

    /// One reply: windowed, then submitted to the worker; stop may come before or after the submission.
    private final class Reply implements CompletionListener {
        private final ChatRequest request;
        private final Listener listener;
        private volatile boolean stopped;
        private volatile Completion completion;

        Reply(ChatRequest request, Listener listener) {
            this.request = request;
            this.listener = listener;
        }

        void start() {
            ChatRequest view;
            try {
                view = window(request, request.sampling().maxTokens()).request();
            } catch (RuntimeException e) {
                // the worker could not count it (a template that refuses this conversation, a worker that died): the
                // whole conversation goes, and the completion says what is wrong in its own terms
                view = request;
            }
            CompletionRequest r = CompletionRequest.chat(model, view.messages(), view.generateOptions())
                    .withGrammar(view.grammar()).withTemplateArgs(view.templateArgs());
            completion = host.submit(r, this);
            if (stopped) completion.cancel();
        }

        void stop() {
            stopped = true;
            Completion c = completion;
            if (c != null) c.cancel();
        }

        @Override
        public void onPrompt(int tokens) {
            listener.reading(tokens);
        }

        @Override
        public void onText(String piece) {
            listener.token(piece);
        }

        @Override
        public void onComplete(CompletionResult result) {
            GenerationStats st = result.stats();
            if (replied != null && result.reason() != StopReason.CANCELLED && st.generatedTokens() > 0) replied.accept(st);
            listener.done(new Result(st.generatedTokens(), st.tokensPerSecond(), Math.round(st.timeToFirstTokenMillis()),
                    result.reason() == StopReason.CANCELLED,
                    Math.min(contextLength, st.promptTokens() + st.reusedTokens() + st.generatedTokens()), // the last token is never in the cache
                    switch (result.reason()) {
                        case MAX_TOKENS -> MessageStats.Limit.REPLY_LENGTH;
                        case CONTEXT_FULL -> MessageStats.Limit.CONTEXT;
                        case END_OF_GENERATION, STOP_STRING, CANCELLED -> null;
                    }, st.draftedTokens(), st.acceptedTokens(), speedUp(st)));
        }

        /// The reply's speed over the model's own without speculation, when both are known.
        private double speedUp(GenerationStats st) {
            double base = st.draftedTokens() == 0 ? 0 : baseline.getAsDouble();
            return base > 0 && st.tokensPerSecond() > 0 ? st.tokensPerSecond() / base : 0;
        }

        @Override
        public void onError(ServeException error) {
            if (error.kind() == ServeException.Kind.TEMPLATE_REFUSED) listener.templateRefused(error.getMessage());
            else listener.failed(describe.apply(error));
        }
    }
}
