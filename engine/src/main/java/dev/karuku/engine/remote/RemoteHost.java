package dev.karuku.engine.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.karuku.engine.serve.Completion;
import dev.karuku.engine.serve.CompletionListener;
import dev.karuku.engine.serve.CompletionRequest;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;
import dev.karuku.engine.serve.ServeException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/// A [ModelHost] over another server's OpenAI-compatible API: `GET /v1/models` lists what it serves,
/// `POST /v1/chat/completions` (or `/v1/completions` for a raw prompt) streams each answer as server-sent events.
/// Works with `karuku serve`, `llama-server`, Ollama's `/v1`, LM Studio and vLLM: their event variants (see
/// [SseReader]), a missing `usage`, `reasoning_content` deltas and an answer sent whole instead of streamed are all
/// taken as they come.
///
/// Every failure reaches the listener as a [ServeException] a person can act on: a refused key is
/// [ServeException.Kind#UNAUTHORIZED], a server that cannot be reached (connection refused, unknown host, a failed
/// TLS handshake, a timeout) is [ServeException.Kind#UNREACHABLE], the server's own errors keep its words.
/// An answer that starts and then stops coming (the connection open, nothing sent for [#FIRST_TOKEN_STALL] before its
/// first words or [#TOKEN_STALL] between them) ends with [ServeException.Kind#STALLED] after the text that came, so
/// a chat never waits forever on a server that hung. Each completion runs on its own virtual thread; cancelling it closes its stream, which the server sees as a
/// client gone (`karuku serve` then frees the sequence at its next step).
///
/// ```java
/// try (RemoteHost other = new RemoteHost(RemoteHost.apiBase("http://192.168.1.20:8090"), "key")) {
///     List<HostedModel> models = other.listModels();
///     other.submit(CompletionRequest.chat(models.getFirst().id(), messages, options), listener);
/// }
/// ```
public final class RemoteHost implements ModelHost {

    /// How long a connection may take to open.
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /// How long an answer's first event may take: the other side may load a cold model first (its status line
    /// comes with the first token, as `karuku serve` sends it).
    public static final Duration FIRST_EVENT_TIMEOUT = Duration.ofMinutes(10);
    /// How long an answer may stay silent, once the server has taken the request, before its first words: the prompt
    /// is read first, which on a busy server or a long conversation takes a while (a CPU reads a few hundred tokens a
    /// second; a server sharing its slots reads slower). Any byte counts, a keep-alive comment too, so a server that
    /// says it is still working (Ollama and vLLM do while a model loads) is never cut off.
    public static final Duration FIRST_TOKEN_STALL = Duration.ofSeconds(120);
    /// How long an answer may stay silent between its words: a model writes several a second even on a slow CPU, so
    /// a minute of nothing is a server that stopped (or a network that dropped the connection without closing it).
    public static final Duration TOKEN_STALL = Duration.ofSeconds(60);
    /// How long `GET /v1/models` may take.
    public static final Duration LIST_TIMEOUT = Duration.ofSeconds(20);

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final Duration firstEventTimeout;
    private final Duration connectTimeout;
    private final Duration firstTokenStall;
    private final Duration tokenStall;
    private final HttpClient http;
    private final Set<RemoteCompletion> running = ConcurrentHashMap.newKeySet();
    private volatile List<HostedModel> listed = List.of();

    /// @param base   the API's base, ending in `/v1` as OpenAI's clients take it (see [#apiBase])
    /// @param apiKey sent as `Authorization: Bearer KEY`, or null for none
    public RemoteHost(URI base, String apiKey) {
        this(base, apiKey, CONNECT_TIMEOUT, FIRST_EVENT_TIMEOUT);
    }

    public RemoteHost(URI base, String apiKey, Duration connectTimeout, Duration firstEventTimeout) {
        this(base, apiKey, connectTimeout, firstEventTimeout, FIRST_TOKEN_STALL, TOKEN_STALL);
    }

    /// @param firstEventTimeout how long the server may take to start its answer (the status line)
    /// @param firstTokenStall   how long the started answer may then stay silent before its first words
    /// @param tokenStall        how long it may stay silent between words; past either, the completion ends with
    ///                          [ServeException.Kind#STALLED] after the text that came
    public RemoteHost(URI base, String apiKey, Duration connectTimeout, Duration firstEventTimeout, Duration firstTokenStall,
                      Duration tokenStall) {
        this.base = Objects.requireNonNull(base, "base");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.firstEventTimeout = firstEventTimeout;
        this.connectTimeout = connectTimeout;
        this.firstTokenStall = Objects.requireNonNull(firstTokenStall, "firstTokenStall");
        this.tokenStall = Objects.requireNonNull(tokenStall, "tokenStall");
        this.http = newClient();
    }

    /// HTTP/1.1: an h2c upgrade confuses some of these servers, and none needs HTTP/2 on a LAN.
    HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /// The API base for what a user typed: `localhost:1234`, `http://pc:8090`, `https://host/v1` or an Ollama
    /// address (`http://localhost:11434`) all work. Without a scheme, `http://`; without a path, `/v1`; a pasted
    /// endpoint (`…/v1/chat/completions`, `…/v1/models`) is cut back to its base.
    ///
    /// @throws IllegalArgumentException with one line for the user when it is not an http(s) address
    public static URI apiBase(String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("give the server's address, for example http://localhost:8090/v1");
        if (!t.contains("://")) t = "http://" + t;
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an address: " + typed.strip());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https"))
            throw new IllegalArgumentException("the address must start with http:// or https://: " + typed.strip());
        if (u.getHost() == null || u.getHost().isBlank()) throw new IllegalArgumentException("the address has no host: " + typed.strip());
        String path = u.getPath() == null ? "" : u.getPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        for (String endpoint : List.of("/chat/completions", "/completions", "/models"))
            if (path.endsWith(endpoint)) path = path.substring(0, path.length() - endpoint.length());
        if (path.isEmpty()) path = "/v1";
        try {
            return new URI(scheme, null, u.getHost(), u.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an address: " + typed.strip());
        }
    }

    /// The API base requests go to (ends in `/v1` or whatever path the user gave).
    public URI baseUri() {
        return base;
    }

    /// Asks the server which models it serves (`GET /v1/models`); blocks up to [#LIST_TIMEOUT].
    ///
    /// @throws ServeException UNAUTHORIZED for a refused key, UNREACHABLE when the server cannot be reached, the
    ///                        server's own words otherwise
    public List<HostedModel> listModels() throws ServeException {
        HttpRequest request = request("/models", LIST_TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw RemoteErrors.io(e, base);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServeException(ServeException.Kind.UNREACHABLE, "stopped while asking " + base + " for its models");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw RemoteErrors.status(response, RemoteErrors.readSome(body), base, true);
            JsonNode n;
            try {
                n = JSON.readTree(body);
            } catch (IOException e) {
                throw new ServeException(ServeException.Kind.INTERNAL, base + "/models did not answer with JSON: is this an OpenAI-compatible API?");
            }
            JsonNode data = n == null ? null : n.get("data");
            if (data == null || !data.isArray())
                throw new ServeException(ServeException.Kind.INTERNAL, base + "/models has no model list: is this an OpenAI-compatible API?");
            List<HostedModel> out = new ArrayList<>();
            for (JsonNode m : data) {
                String id = m.path("id").asText("");
                if (!id.isBlank()) out.add(new HostedModel(id, null, List.of(), HostedModel.State.UNLOADED, null));
            }
            listed = List.copyOf(out);
            return listed;
        } catch (IOException e) {
            throw RemoteErrors.io(e, base);
        }
    }

    /// The models the last successful [#listModels] found (empty before one); the server may answer to more. Their
    /// `file` is null: the files are on the other computer.
    @Override
    public List<HostedModel> models() {
        return listed;
    }

    /// Sends the completion to the server and returns at once; the answer streams to `listener` from a virtual
    /// thread. A request's grammar travels as llama-server's `grammar` field (servers without it ignore it); its
    /// keep-alive as Ollama's `keep_alive` in seconds.
    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        RemoteCompletion c = new RemoteCompletion(this, request, listener);
        running.add(c);
        c.start();
        return c;
    }

    /// Cancels the completions still streaming; the server is left as it is.
    @Override
    public void close() {
        for (RemoteCompletion c : List.copyOf(running)) c.cancel();
        http.shutdownNow();
    }

    HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }


    Duration firstEventTimeout() {
        return firstEventTimeout;
    }

    Duration firstTokenStall() {
        return firstTokenStall;
    }

    Duration tokenStall() {
        return tokenStall;
    }

    void ended(RemoteCompletion c) {
        running.remove(c);
    }

    /// Never prints the key.
    @Override
    public String toString() {
        return "RemoteHost[" + base + (apiKey == null ? "" : ", key set") + "]";
    }
}
