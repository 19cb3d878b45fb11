package dev.karuku.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.karuku.engine.chat.ChatMessage;
import dev.karuku.engine.generation.GenerateOptions;
import dev.karuku.engine.generation.GenerationStats;
import dev.karuku.engine.generation.SamplingParams;
import dev.karuku.engine.generation.StopReason;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.CompletionResult;
import dev.karuku.engine.serve.ServeException;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/// One completion asked of a [RemoteHost], from the request to the last event, on its own virtual thread.
final class RemoteCompletion implements Completion, Runnable {

    private static final AtomicLong IDS = new AtomicLong();

    private final RemoteHost host;
    private final CompletionRequest request;
    private final CompletionListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    /// Its own client: closing a response's body does not close an HTTP/1.1 connection the server is still writing
    /// to, but shutting the client down does, and the server then sees the client leave at its next write.
    private final HttpClient http;
    private volatile boolean cancelled;
    private volatile Thread thread;
    private volatile InputStream body;
    /// When the answer's stream last gave a byte (a keep-alive comment counts: the server is still there).
    private volatile long lastByteNanos;
    /// Set by the watchdog when the server went silent for too long; the stream is then closed and this is the error.
    private volatile ServeException stalled;
    private volatile Thread watchdog;

    private final long startNanos = System.nanoTime();
    private volatile long firstTextNanos;
    private int pieces;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private String finishReason;
    private boolean thinking;

    RemoteCompletion(RemoteHost host, CompletionRequest request, CompletionListener listener) {
        this.host = host;
        this.request = request;
        this.listener = listener;
        this.http = host.newClient();
    }

    void start() {
        thread = Thread.ofVirtual().name("karuku-remote-" + IDS.incrementAndGet()).start(this);
    }

    /// Closes the stream (the server sees the client leave) and ends the completion as CANCELLED.
    @Override
    public void cancel() {
        cancelled = true;
        http.shutdownNow();
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            if (cancelled) {
                complete();
                return;
            }
            HttpRequest post = host.request(request.isChat() ? "/chat/completions" : "/completions", host.firstEventTimeout())
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RemoteHost.JSON.writeValueAsBytes(body())))
                    .build();
            HttpResponse<InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = watched(response.body())) {
                body = in;
                watch();
                if (cancelled) {
                    complete();
                    return;
                }
                if (response.statusCode() != 200) {
                    fail(RemoteErrors.status(response, RemoteErrors.readSome(in), host.baseUri(), false));
                    return;
                }
                String type = response.headers().firstValue("Content-Type").orElse("");
                if (type.contains("text/event-stream")) stream(in);
                else whole(in); // a server that ignored "stream": the whole answer at once
            }
            if (stalled != null && !cancelled) fail(stalled); // the watchdog's close can read as the stream's end
            else complete();
        } catch (ServeException e) {
            if (cancelled) complete();
            else fail(stalled != null ? stalled : e);
        } catch (IOException e) {
            if (cancelled) complete();
            else fail(stalled != null ? stalled : RemoteErrors.io(e, host.baseUri()));
        } catch (InterruptedException e) {
            if (stalled != null && !cancelled) fail(stalled); // only cancel and the watchdog interrupt this thread
            else complete();
        } catch (RuntimeException e) {
            fail(new ServeException(ServeException.Kind.INTERNAL, "the answer from " + host.baseUri()
                    + " could not be read: " + e.getMessage(), null, List.of(), e));
        } finally {
            Thread w = watchdog;
            if (w != null) w.interrupt();
            http.shutdownNow();
            host.ended(this);
        }
    }

    /// The answer's stream, noting when each byte came for [#watch].
    private InputStream watched(InputStream in) {
        lastByteNanos = System.nanoTime();
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) lastByteNanos = System.nanoTime();
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) lastByteNanos = System.nanoTime();
                return n;
            }
        };
    }

    /// Starts the watchdog that ends the answer when the server goes silent: past [RemoteHost#firstTokenStall()]
    /// before the first words, past [RemoteHost#tokenStall()] between them. The request's own timeout only covers
    /// the wait for the status line; without this a server that hangs mid-answer would keep the chat waiting forever.
    private void watch() {
        watchdog = Thread.ofVirtual().name(Thread.currentThread().getName() + "-watch").start(() -> {
            try {
                while (!ended.get() && !cancelled) {
                    boolean started = firstTextNanos != 0;
                    java.time.Duration limit = started ? host.tokenStall() : host.firstTokenStall();
                    long left = lastByteNanos + limit.toNanos() - System.nanoTime();
                    if (left > 0) {
                        // parked, not asleep: the first words wake it to take the shorter limit (see emit)
                        java.util.concurrent.locks.LockSupport.parkNanos(left);
                        if (Thread.interrupted()) return;
                        continue;
                    }
                    String where = host.baseUri().getHost() + (host.baseUri().getPort() > 0 ? ":" + host.baseUri().getPort() : "");
                    stalled = new ServeException(ServeException.Kind.STALLED, where + " sent nothing for "
                            + (limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " s " : limit.toMillis() + " ms ") + (started ? "in the middle of the answer" : "after taking the request")
                            + " and the connection is still open: the server may have hung");
                    // as cancel does: a read blocked on the response's stream wakes on the interrupt, not the close
                    http.shutdownNow();
                    InputStream b = body;
                    if (b != null) b.close();
                    Thread reader = thread;
                    if (reader != null) reader.interrupt();
                    return;
                }
            } catch (IOException ignored) {
                // closing is all we want
            }
        });
    }

    private ObjectNode body() {
        ObjectNode b = RemoteHost.JSON.createObjectNode();
        b.put("model", request.model());
        if (request.isChat()) {
            ArrayNode messages = b.putArray("messages");
            for (ChatMessage m : request.messages())
                messages.addObject().put("role", m.role().wireName()).put("content", m.content());
        } else {
            b.put("prompt", request.prompt());
        }
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        GenerateOptions g = request.generate();
        // 0 (no limit) sends none: the server's default applies (a chat runs to the context's end; OpenAI's legacy
        // completions stop at 16 tokens)
        if (g.maxTokens() > 0) b.put("max_tokens", g.maxTokens());
        SamplingParams s = g.sampling();
        b.put("temperature", s.temperature());
        if (s.temperature() > 0) {
            b.put("top_p", s.topP());
            if (s.topK() > 0) b.put("top_k", s.topK()); // llama-server, vLLM, Ollama and LM Studio read it
            if (s.minP() > 0) b.put("min_p", s.minP());
            if (s.repeatPenalty() != 1f) b.put("repeat_penalty", s.repeatPenalty());
        }
        if (s.seed() != SamplingParams.RANDOM_SEED) b.put("seed", s.seed());
        if (s.presencePenalty() != 0) b.put("presence_penalty", s.presencePenalty());
        if (s.frequencyPenalty() != 0) b.put("frequency_penalty", s.frequencyPenalty());
        if (!g.stopStrings().isEmpty()) {
            ArrayNode stop = b.putArray("stop");
            g.stopStrings().forEach(stop::add);
        }
        if (request.grammar() != null) b.put("grammar", request.grammar());
        if (request.keepAlive() != null) b.put("keep_alive", request.keepAlive().toSeconds());
        return b;
    }

    private void stream(InputStream in) throws IOException, ServeException {
        SseReader events = new SseReader(in);
        String data;
        while (!cancelled && (data = events.next()) != null) {
            String d = data.strip();
            if (d.equals("[DONE]")) break;
            if (d.isEmpty()) continue;
            if (!d.contains("\n")) {
                chunk(parse(d));
                continue;
            }
            // several data lines in one event: a server that leaves out the blank line between events (each line
            // is then an event of its own), or one JSON value spread over lines, as the standard allows
            List<JsonNode> each = new ArrayList<>();
            boolean done = false;
            try {
                for (String line : d.split("\n")) {
                    String l = line.strip();
                    if (l.equals("[DONE]")) done = true;
                    else if (!l.isEmpty()) each.add(RemoteHost.JSON.readTree(l));
                }
            } catch (IOException e) {
                each = List.of(parse(d));
                done = false;
            }
            for (JsonNode n : each) chunk(n);
            if (done) break;
        }
    }

    private JsonNode parse(String data) throws ServeException {
        try {
            return RemoteHost.JSON.readTree(data);
        } catch (IOException e) {
            throw new ServeException(ServeException.Kind.INTERNAL, host.baseUri() + " sent an event that is not JSON: "
                    + (data.length() > 200 ? data.substring(0, 200) + "…" : data));
        }
    }

    private void whole(InputStream in) throws IOException, ServeException {
        JsonNode n = RemoteHost.JSON.readTree(in);
        if (n == null) throw new ServeException(ServeException.Kind.INTERNAL, host.baseUri() + " sent an empty answer");
        chunk(n);
    }

    private void chunk(JsonNode n) throws ServeException {
        if (n == null || !n.isObject()) return;
        if (n.has("error")) throw new ServeException(ServeException.Kind.INTERNAL,
                host.baseUri() + " stopped with an error: " + RemoteErrors.serverMessage(n.toString()));
        JsonNode usage = n.get("usage");
        if (usage != null && usage.isObject()) {
            if (usage.has("prompt_tokens")) promptTokens = usage.get("prompt_tokens").asInt();
            if (usage.has("completion_tokens")) completionTokens = usage.get("completion_tokens").asInt();
        }
        JsonNode choices = n.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return;
        JsonNode c = choices.get(0);
        JsonNode delta = c.has("delta") ? c.get("delta") : c.get("message"); // a whole answer has "message"
        if (delta != null && delta.isObject()) {
            String reasoning = text(delta.get("reasoning_content"));
            if (reasoning == null) reasoning = text(delta.get("reasoning"));
            if (reasoning != null && !reasoning.isEmpty()) {
                if (!thinking) emit("<think>");
                thinking = true;
                emit(reasoning);
            }
            String content = text(delta.get("content"));
            if (content != null && !content.isEmpty()) {
                endThinking();
                emit(content);
            }
        } else {
            String t = text(c.get("text"));
            if (t != null && !t.isEmpty()) emit(t);
        }
        String finish = text(c.get("finish_reason"));
        if (finish != null) finishReason = finish;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private void endThinking() {
        if (!thinking) return;
        thinking = false;
        emit("</think>\n\n");
    }

    private void emit(String piece) {
        if (firstTextNanos == 0) {
            firstTextNanos = System.nanoTime();
            Thread w = watchdog;
            if (w != null) java.util.concurrent.locks.LockSupport.unpark(w);
        }
        pieces++;
        listener.onText(piece);
    }

    private void complete() {
        if (!ended.compareAndSet(false, true)) return;
        if (thinking && !cancelled) {
            thinking = false;
            listener.onText("</think>");
        }
        long now = System.nanoTime();
        long first = firstTextNanos == 0 ? 0 : firstTextNanos - startNanos;
        // without usage, each streamed piece is about one token (servers send one token per event)
        int generated = completionTokens >= 0 ? completionTokens : pieces;
        GenerationStats stats = new GenerationStats(Math.max(0, promptTokens), 0, first, generated,
                firstTextNanos == 0 ? 0 : now - firstTextNanos, first);
        StopReason reason = cancelled ? StopReason.CANCELLED
                : "length".equals(finishReason) ? StopReason.MAX_TOKENS : StopReason.END_OF_GENERATION;
        listener.onComplete(new CompletionResult(reason, stats));
    }

    private void fail(ServeException e) {
        if (!ended.compareAndSet(false, true)) return;
        listener.onError(e);
    }
}
