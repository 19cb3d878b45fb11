package dev.karuku.engine.hub.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/// A Hugging Face Hub on 127.0.0.1 that speaks the documented API (search with cursor pages, model info with
/// blobs, paginated trees, refs, auth-check, resolve with redirects to a signed CDN URL) and misbehaves on request
/// ([#faults()]). The CDN runs on a second port, so it is another origin, as on the real Hub: it refuses any
/// request carrying `Authorization`, which catches token leaks.
///
/// ```java
/// try (FakeHub hub = FakeHub.start()) {
///     hub.addRepo("org/Model-GGUF").downloads(100).addFile("model-Q4_K_M.gguf", bytes);
///     var client = new HubClient(HubConfig.of(hub.endpoint(), null));
/// }
/// ```
public final class FakeHub implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, FakeRepo> repos = new ConcurrentHashMap<>();
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    final Map<String, String> renamed = new ConcurrentHashMap<>();
    final List<RequestLog> log = new CopyOnWriteArrayList<>();
    final FakeFaults faults = new FakeFaults();
    final FakeCdn cdn;
    volatile int treePageSize = 2;
    volatile long urlLifetimeMillis = 3_600_000;

    private final HttpServer hubServer;
    private final HttpServer cdnServer;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hubServer = HttpServer.create(loopback, 64);
        cdnServer = HttpServer.create(loopback, 64);
        cdn = new FakeCdn(this);
        FakeApi api = new FakeApi(this);
        hubServer.createContext("/", ex -> handle(ex, api::handle));
        cdnServer.createContext("/", ex -> handle(ex, cdn::handle));
        hubServer.setExecutor(executor);
        cdnServer.setExecutor(executor);
        hubServer.start();
        cdnServer.start();
    }

    public static FakeHub start() {
        try {
            return new FakeHub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /// `http://127.0.0.1:<port>`: what `HF_ENDPOINT` should be.
    public String endpoint() {
        return "http://127.0.0.1:" + hubServer.getAddress().getPort();
    }

    /// The CDN's origin (another port): where `resolve` redirects LFS downloads.
    public String cdnOrigin() {
        return "http://127.0.0.1:" + cdnServer.getAddress().getPort();
    }

    public FakeRepo addRepo(String id) {
        FakeRepo r = new FakeRepo(id);
        repos.put(id, r);
        return r;
    }

    public FakeRepo repo(String id) {
        return repos.get(id);
    }

    /// Tokens the Hub knows; others get `401 Invalid credentials`. Tokens approved for a gated repo are valid too.
    public FakeHub acceptToken(String token) {
        validTokens.add(token);
        return this;
    }

    /// Requests for `oldId` answer a relative `307` to `newId`, as for renamed repos.
    public FakeHub rename(String oldId, String newId) {
        renamed.put(oldId, newId);
        return this;
    }

    public FakeFaults faults() {
        return faults;
    }

    /// Entries per tree page (small by default so clients exercise pagination).
    public FakeHub treePageSize(int n) {
        treePageSize = n;
        return this;
    }

    /// How long signed CDN URLs stay valid.
    public FakeHub urlLifetimeMillis(long ms) {
        urlLifetimeMillis = ms;
        return this;
    }

    public List<RequestLog> requests() {
        return List.copyOf(log);
    }

    /// Body bytes the CDN has sent, all requests together.
    public long cdnBytesServed() {
        return cdn.bytesServed.get();
    }

    /// The most CDN bodies that were being sent at the same time.
    public int maxConcurrentCdnRequests() {
        return cdn.maxInFlight.get();
    }

    /// CDN requests that carried an `Authorization` header (each was refused).
    public int tokenLeaks() {
        return cdn.tokenLeaks.get();
    }

    Collection<FakeRepo> allRepos() {
        return new ArrayList<>(repos.values());
    }

    boolean tokenKnown(String token) {
        if (validTokens.contains(token)) return true;
        for (FakeRepo r : repos.values()) if (r.approvedTokens.contains(token)) return true;
        return false;
    }

    @FunctionalInterface
    interface Handler {
        int handle(HttpExchange ex) throws IOException;
    }

    /// Runs a handler; when it throws (e.g. to cut a body mid-stream) the server drops the connection.
    /// Runs a handler; when it throws (e.g. to cut a body mid-stream) the server drops the connection. The
    /// request is logged before it is answered (so a client never sees an answer the log lacks); its status is
    /// filled in afterwards.
    private void handle(HttpExchange ex, Handler h) throws IOException {
        URI u = ex.getRequestURI();
        String path = URLDecoder.decode(u.getRawPath(), StandardCharsets.UTF_8);
        boolean auth = ex.getRequestHeaders().containsKey("Authorization");
        String range = ex.getRequestHeaders().getFirst("Range");
        RequestLog entry = new RequestLog(ex.getRequestMethod(), path, u.getRawQuery(), auth, range, 0);
        int index;
        synchronized (log) {
            log.add(entry);
            index = log.size() - 1;
        }
        int status = -1;
        try {
            status = h.handle(ex);
        } finally {
            log.set(index, new RequestLog(entry.method(), path, entry.query(), auth, range, status));
        }
        ex.close();
    }

    static int send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Request-Id", Long.toHexString(System.nanoTime()));
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) ex.getResponseBody().write(body);
        return status;
    }

    static int json(HttpExchange ex, int status, Object value) throws IOException {
        return send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    /// An error the way the Hub sends it: `X-Error-Code`, `X-Error-Message` and `{"error": …}`.
    static int error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) ex.getResponseHeaders().set("X-Error-Code", code);
        ex.getResponseHeaders().set("X-Error-Message", message);
        return json(ex, status, Map.of("error", message));
    }

    @Override
    public void close() {
        hubServer.stop(0);
        cdnServer.stop(0);
        executor.shutdownNow();
    }
}
