package dev.karuku.cli.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.karuku.engine.serve.HostedModel;
import dev.karuku.engine.serve.ModelHost;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/// An OpenAI-compatible HTTP server over a [ModelHost]: `GET /v1/models`, `POST /v1/chat/completions`,
/// `POST /v1/completions` (streamed as server-sent events or not) and `GET /health`.
///
/// Each request runs on its own virtual thread; the host's threads only queue what a completion produces (see
/// [CompletionEvents]), so a slow or vanished client never holds up a model. A streamed answer is flushed chunk by
/// chunk, and a write that fails (the client went away) cancels the completion, which frees its sequence at the
/// next step. Errors are answered in OpenAI's shape with a status a client can act on, never with a stack trace;
/// each request leaves one line in the request log, without prompt or key, and reaches the request listener as a
/// [ServedRequest].
///
/// ```java
/// try (OpenAiServer s = OpenAiServer.start(host, ServerOptions.defaults().withPort(0))) {
///     System.out.println(s.baseUri()); // http://127.0.0.1:PORT/v1
/// }
/// ```
public final class OpenAiServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.karuku.cli.server");

    static {
        // Each streamed chunk is a small write: with Nagle's algorithm (the JDK server's default) it would wait for
        // the client's delayed ACK, up to 40 ms a token. Read once, when the JDK's server first starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final ModelHost host;
    private final ServerOptions options;
    private final HttpServer http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final long started = System.currentTimeMillis() / 1000;

    private OpenAiServer(ModelHost host, ServerOptions options, HttpServer http) {
        this.host = host;
        this.options = options;
        this.http = http;
    }

    /// Binds `options.host():options.port()` and starts answering. The host stays the caller's: [#close] stops
    /// the server, not the models.
    ///
    /// @throws IllegalArgumentException when the host is unknown, or reachable from other computers without a key
    /// @throws IOException when the address cannot be bound (the port is taken)
    public static OpenAiServer start(ModelHost host, ServerOptions options) throws IOException {
        InetSocketAddress address = new InetSocketAddress(options.bindAddress(), options.port());
        HttpServer http = HttpServer.create(address, 64);
        OpenAiServer server = new OpenAiServer(host, options, http);
        http.setExecutor(server.threads);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    /// The port it listens on (the chosen one when started with port 0).
    public int port() {
        return http.getAddress().getPort();
    }

    /// `http://HOST:PORT/v1`: what OpenAI clients take as their base URL.
    public URI baseUri() {
        String h = http.getAddress().getAddress().getHostAddress();
        if (h.contains(":")) h = "[" + h + "]";
        return URI.create("http://" + h + ":" + port() + "/v1");
    }

    /// Stops listening and ends the requests still open (their completions are cancelled as their writes fail).
    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        RequestRecord record = new RequestRecord(ex.getRequestMethod(), ex.getRequestURI().getPath());
        try {
            cors(ex.getResponseHeaders());
            route(ex, record);
        } catch (ApiError e) {
            sendError(ex, record, e);
        } catch (IOException e) {
            record.status = record.status == 0 ? 499 : record.status; // the client went away before the answer
        } catch (InterruptedException e) {
            record.status = 503;
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + record.method + " " + record.path + " failed", e);
            sendError(ex, record, ApiError.internal());
        } finally {
            ex.close();
            options.requestLog().accept(record.line());
            try {
                options.requestListener().accept(record.served(client(ex)));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the request listener failed", e);
            }
        }
    }

    private static String client(HttpExchange ex) {
        InetSocketAddress a = ex.getRemoteAddress();
        return a == null ? "?" : a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }

    private void route(HttpExchange ex, RequestRecord record) throws ApiError, IOException, InterruptedException {
        String method = ex.getRequestMethod();
        String path = record.path;
        if (method.equals("OPTIONS")) { // a browser's preflight: answered without a key, as browsers send none
            ex.getResponseHeaders().set("Allow", "GET, POST, OPTIONS");
            record.status = 204;
            ex.sendResponseHeaders(204, -1);
            return;
        }
        if (path.equals("/health")) {
            requireMethod(method, "GET", path);
            sendJson(ex, record, 200, OpenAiJson.MAPPER.createObjectNode().put("status", "ok"));
            return;
        }
        authorize(ex);
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, "GET", path);
                sendJson(ex, record, 200, OpenAiJson.models(host.models(), started));
            }
            case "/v1/chat/completions", "/v1/completions" -> {
                requireMethod(method, "POST", path);
                JsonNode body = readJson(ex);
                OpenAiRequest request = OpenAiRequest.parse(body, path.equals("/v1/chat/completions"), options.grammars());
                record.model = request.completion().model();
                new CompletionHandler(host, ex, record, request).run();
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(method, "GET", path);
                    String id = path.substring("/v1/models/".length());
                    HostedModel m = host.models().stream().filter(x -> x.answersTo(id)).findFirst()
                            .orElseThrow(() -> ApiError.notFound("no model named '" + id + "' here: GET /v1/models lists them"));
                    ObjectNode one = (ObjectNode) OpenAiJson.models(java.util.List.of(m), started).get("data").get(0);
                    sendJson(ex, record, 200, one);
                    return;
                }
                throw ApiError.notFound("no such endpoint: " + method + " " + path);
            }
        }
    }

    private static void requireMethod(String method, String wanted, String path) throws ApiError {
        if (!method.equals(wanted)) throw ApiError.methodNotAllowed(method, path);
    }

    /// With a key, every request but `/health` and preflights must carry it. Compared in constant time, so the
    /// time of a refusal tells nothing about how much of a guess was right.
    private void authorize(HttpExchange ex) throws ApiError {
        if (options.apiKey() == null) return;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        String prefix = "bearer ";
        if (header == null || header.length() < prefix.length()
                || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) throw ApiError.unauthorized();
        byte[] given = header.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, options.apiKey().getBytes(StandardCharsets.UTF_8))) throw ApiError.unauthorized();
    }

    private void cors(Headers h) {
        if (options.corsOrigin() == null) return;
        h.set("Access-Control-Allow-Origin", options.corsOrigin());
        h.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        h.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        h.set("Access-Control-Max-Age", "600");
        h.set("Vary", "Origin");
    }

    /// The body as JSON, refused with 413 past the limit. A body only somewhat over it is read to its end first,
    /// so the client, still sending, gets the 413 instead of a reset connection.
    private JsonNode readJson(HttpExchange ex) throws ApiError, IOException {
        long limit = options.maxBodyBytes();
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        try {
            if (length != null) declared = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            throw ApiError.invalid(null, "Content-Length is not a number");
        }
        try (InputStream in = ex.getRequestBody()) {
            if (declared > limit) {
                if (declared <= 4 * limit) drain(in, declared);
                throw ApiError.tooLarge(limit);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                body.write(buf, 0, n);
                if (body.size() > limit) {
                    drain(in, 3 * limit);
                    throw ApiError.tooLarge(limit);
                }
            }
            if (body.size() == 0) throw ApiError.malformedJson("the body is empty");
            try {
                return OpenAiJson.MAPPER.readTree(body.toByteArray());
            } catch (JsonProcessingException e) {
                throw ApiError.malformedJson(e.getOriginalMessage());
            }
        }
    }

    private static void drain(InputStream in, long atMost) throws IOException {
        byte[] buf = new byte[16384];
        long left = atMost;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
    }

    static void sendJson(HttpExchange ex, RequestRecord record, int status, JsonNode body) throws IOException {
        byte[] bytes = OpenAiJson.MAPPER.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        record.status = status;
        record.headersSent = true;
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /// Answers `e` unless the response has already begun (then the client sees the stream end).
    static void sendError(HttpExchange ex, RequestRecord record, ApiError e) {
        if (record.headersSent) return;
        try {
            if (e.retryAfter() != null)
                ex.getResponseHeaders().set("Retry-After", String.valueOf(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
            if (e.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            sendJson(ex, record, e.status(), OpenAiJson.error(e));
        } catch (IOException io) {
            record.status = e.status();
        }
    }
}
