package dev.karuku.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Objects;

/// The one place Karuku talks HTTP to the Hub and its download hosts.
///
/// Redirects are followed by hand so the token goes to the Hub's own origin only: a redirect to a CDN (another
/// origin) is followed without `Authorization`. Requests are retried per [RetryPolicy]; errors are left to the
/// caller, which knows what a 404 means in its context.
public final class HubHttp {

    private static final int MAX_REDIRECTS = 10;
    private static final int BODY_RETRIES = 2;

    private volatile HubConfig config;
    private final RetryPolicy retry;
    private final java.net.ProxySelector proxies;
    private volatile HttpClient client;

    public HubHttp(HubConfig config, RetryPolicy retry) {
        this(config, retry, HubProxies.fromEnvironment(System.getenv()));
    }

    /// @param proxies how to reach the Hub ([HubProxies#fromEnvironment])
    public HubHttp(HubConfig config, RetryPolicy retry, java.net.ProxySelector proxies) {
        this.config = config;
        this.retry = retry;
        this.proxies = proxies;
    }

    /// Made at the first request: building an `HttpClient` sets up TLS and reads the trusted certificates
    /// (~150 ms at the app's start, before its window could show, for a client most starts never use).
    private HttpClient client() {
        HttpClient c = client;
        if (c != null) return c;
        synchronized (this) {
            if (client == null) {
                HttpClient.Builder b = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(config.timeout());
                if (proxies != null) b.proxy(proxies);
                HubProxies.authenticator(proxies).ifPresent(b::authenticator);
                client = b.build();
            }
            return client;
        }
    }

    public HubConfig config() {
        return config;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    /// Sends `next`'s token from the next request on (requests in flight keep the one they started with). The
    /// endpoint and timeout stay as they were: only who we are to the Hub changes.
    void useToken(java.util.Optional<String> token) {
        HubConfig c = config;
        config = new HubConfig(c.endpoint(), token, c.timeout(), c.offline());
    }

    /// Whether `uri` belongs to the Hub itself (same scheme, host and port as the endpoint).
    public boolean isHubOrigin(URI uri) {
        return sameOrigin(uri, config.endpoint());
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /// GET following all redirects (the token is dropped when a redirect leaves the Hub's origin).
    public HubResponse get(URI uri, Map<String, String> headers) throws IOException {
        return send("GET", uri, headers, true);
    }

    /// GET whose body is read whole, at most `cap` bytes, with the request sent again when the body breaks off (a
    /// dropped connection, or a server silent for the timeout) as for any other network failure. A longer body
    /// fails with [HubException.Reason#BAD_RESPONSE], or with `truncate` is cut at `cap`. The answer comes back
    /// with its body in memory, whatever its status.
    public HubResponse getBuffered(URI uri, Map<String, String> headers, int cap, boolean truncate) throws IOException {
        for (int attempt = 0; ; attempt++) {
            HubResponse r = get(uri, headers);
            try (r) {
                int limit = r.status() / 100 == 2 ? cap : Math.min(cap, 64 * 1024);
                byte[] body = r.body().readNBytes(limit);
                if (body.length == limit && r.status() / 100 == 2 && !truncate && r.body().read() >= 0) {
                    throw new HubException(HubException.Reason.BAD_RESPONSE, r.status(),
                            "the Hub's answer is larger than " + (cap >> 20) + " MiB (" + uri.getPath() + ")");
                }
                return new HubResponse(r.status(), r.headers(), r.uri(), new java.io.ByteArrayInputStream(body));
            } catch (HubException | java.io.InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                // a body that broke off is asked for twice more at most: each silent try costs a whole timeout
                if (attempt >= Math.min(BODY_RETRIES, retry.maxRetries())) throw network(e);
                pause(retry.delay(attempt, 0, null));
            }
        }
    }

    /// Sends a request with retries. With `followRedirects` false, a redirect answer is returned as is.
    public HubResponse send(String method, URI uri, Map<String, String> headers, boolean followRedirects)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            HubResponse r;
            try {
                r = sendFollowing(method, uri, headers, followRedirects);
            } catch (IOException e) {
                if (e instanceof HubException || attempt >= retry.maxRetries()) throw network(e);
                pause(retry.delay(attempt, 0, null));
                continue;
            }
            if (!RetryPolicy.retryable(r.status()) || attempt >= retry.maxRetries()) return r;
            r.close();
            pause(retry.delay(attempt, r.status(), r.headers()));
        }
    }

    private HubResponse sendFollowing(String method, URI uri, Map<String, String> headers, boolean follow)
            throws IOException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HubResponse r = once(method, current, headers);
            if (!follow || !isRedirect(r.status())) return r;
            String location = r.header("Location");
            r.close();
            if (location == null || hop >= MAX_REDIRECTS) {
                throw new HubException(HubException.Reason.BAD_RESPONSE, r.status(), "redirect without a usable Location");
            }
            current = current.resolve(location.strip());
        }
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private HubResponse once(String method, URI uri, Map<String, String> headers) throws IOException {
        if (config.offline()) throw new HubException(HubException.Reason.OFFLINE, 0, "HF_HUB_OFFLINE is set");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.timeout())
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("User-Agent", "karuku/0.1");
        headers.forEach(b::header);
        if (isHubOrigin(uri)) config.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<InputStream> r = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new HubResponse(r.statusCode(), r.headers(), uri, new IdleTimeoutStream(r.body(), config.timeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to " + uri.getHost());
        }
    }

    private void pause(java.time.Duration d) throws IOException {
        try {
            retry.sleeper().sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private static IOException network(IOException e) {
        if (e instanceof HubException || e instanceof java.io.InterruptedIOException) return e;
        return new HubException(HubException.Reason.NETWORK, 0, Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
    }
}
