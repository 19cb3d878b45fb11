package dev.karuku.cli.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/// How an [OpenAiServer] listens and whom it answers.
///
/// @param host         the address to bind; loopback (`127.0.0.1`) unless the user says otherwise
/// @param port         the TCP port; 0 picks a free one
/// @param apiKey       the key every request must carry as `Authorization: Bearer KEY`, or null for none (loopback
///                     only: any other host requires one)
/// @param corsOrigin   the one origin browsers may call from (`Access-Control-Allow-Origin`), or null for no CORS
///                     headers at all
/// @param maxBodyBytes larger request bodies get 413
/// @param grammars     how `response_format` becomes a grammar, or null: such requests then get 400
/// @param requestLog   receives one line per request (method, path, model, status, tokens, time; never a prompt or
///                     a key)
/// @param requestListener receives every request as a [ServedRequest] once it is answered (the app's live list), on
///                     the request's thread; it must return quickly
public record ServerOptions(String host, int port, String apiKey, String corsOrigin, long maxBodyBytes,
                            JsonGrammars grammars, Consumer<String> requestLog, Consumer<ServedRequest> requestListener) {

    public static final String LOOPBACK = "127.0.0.1";
    /// Not llama-server's 8080: Open WebUI listens on 8080 itself, and often runs beside this server.
    public static final int DEFAULT_PORT = 8090;
    /// Room for a prompt that fills a 128k-token context several times over.
    public static final long DEFAULT_MAX_BODY = 8L << 20;

    public ServerOptions {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("give a host to listen on");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("the port must be 0 to 65535: " + port);
        if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("the API key must not be empty");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("the body limit must be at least 1 byte");
        if (requestLog == null) requestLog = line -> {};
        if (requestListener == null) requestListener = r -> {};
    }

    /// Loopback on the default port, no key, no CORS, the default body limit, no grammars, no request log.
    public static ServerOptions defaults() {
        return new ServerOptions(LOOPBACK, DEFAULT_PORT, null, null, DEFAULT_MAX_BODY, null, null, null);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, apiKey, corsOrigin, maxBodyBytes, grammars, requestLog, requestListener);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, apiKey, corsOrigin, maxBodyBytes, grammars, requestLog, requestListener);
    }

    public ServerOptions withApiKey(String k) {
        return new ServerOptions(host, port, k, corsOrigin, maxBodyBytes, grammars, requestLog, requestListener);
    }

    public ServerOptions withCorsOrigin(String o) {
        return new ServerOptions(host, port, apiKey, o, maxBodyBytes, grammars, requestLog, requestListener);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(host, port, apiKey, corsOrigin, n, grammars, requestLog, requestListener);
    }

    public ServerOptions withGrammars(JsonGrammars g) {
        return new ServerOptions(host, port, apiKey, corsOrigin, maxBodyBytes, g, requestLog, requestListener);
    }

    public ServerOptions withRequestLog(Consumer<String> log) {
        return new ServerOptions(host, port, apiKey, corsOrigin, maxBodyBytes, grammars, log, requestListener);
    }

    public ServerOptions withRequestListener(Consumer<ServedRequest> listener) {
        return new ServerOptions(host, port, apiKey, corsOrigin, maxBodyBytes, grammars, requestLog, listener);
    }

    /// The address to bind, checked: a host other computers can reach needs an API key, because whoever reaches
    /// the port could otherwise run the models (and read what they say).
    ///
    /// @throws IllegalArgumentException with one line for the user when the host is unknown or needs a key
    public InetAddress bindAddress() {
        InetAddress a;
        try {
            a = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host to listen on: " + host);
        }
        if (!a.isLoopbackAddress() && apiKey == null)
            throw new IllegalArgumentException("listening on " + host + " lets other computers use your models: "
                    + "give a key with --api-key, or leave out --host to stay on this computer (127.0.0.1)");
        return a;
    }
}
