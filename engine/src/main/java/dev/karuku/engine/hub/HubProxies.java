package dev.karuku.engine.hub;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// Which proxy reaches the Hub, the way huggingface_hub (through httpx and Python's `urllib`) chooses it:
/// `https_proxy` / `http_proxy` for the URL's scheme, else `all_proxy`, each in lower case before upper case;
/// `no_proxy` / `NO_PROXY` lists hosts (and domain suffixes, `host:port`, or `*`) reached directly. With none of
/// those set, the operating system's proxy settings are used (`java.net.useSystemProxies`).
public final class HubProxies {

    private HubProxies() {}

    /// The proxy selector for an environment (the process's, or the CLI's with its test overrides).
    public static ProxySelector fromEnvironment(Map<String, String> env) {
        boolean any = List.of("https_proxy", "http_proxy", "all_proxy").stream().anyMatch(n -> var(env, n).isPresent());
        return any ? new EnvironmentSelector(env) : new SystemSelector();
    }

    /// The OS's settings. `java.net.useSystemProxies` is read once, when the JDK's selector is first used, so it is
    /// set here unless the user chose otherwise on the command line.
    static ProxySelector system() {
        if (System.getProperty("java.net.useSystemProxies") == null) System.setProperty("java.net.useSystemProxies", "true");
        return ProxySelector.getDefault();
    }

    /// The OS's settings, looked up at the first request (reading them can load desktop libraries: not at start).
    static final class SystemSelector extends ProxySelector {
        @Override
        public List<Proxy> select(URI uri) {
            ProxySelector os = system();
            return os == null ? List.of(Proxy.NO_PROXY) : os.select(uri);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            ProxySelector os = system();
            if (os != null) os.connectFailed(uri, sa, ioe);
        }
    }

    /// The user name and password written in the proxy URL (`http://user:secret@proxy:3128`), for a `407`.
    static Optional<Authenticator> authenticator(ProxySelector selector) {
        if (!(selector instanceof EnvironmentSelector e)) return Optional.empty();
        return Optional.of(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) return null;
                for (String name : List.of("https_proxy", "http_proxy", "all_proxy")) {
                    Optional<URI> u = var(e.env, name).map(EnvironmentSelector::proxyUri);
                    if (u.isPresent() && u.get().getUserInfo() != null && u.get().getHost().equalsIgnoreCase(getRequestingHost())) {
                        String[] up = u.get().getUserInfo().split(":", 2);
                        return new PasswordAuthentication(up[0], (up.length > 1 ? up[1] : "").toCharArray());
                    }
                }
                return null;
            }
        });
    }

    /// `name` in lower case when set (even empty, which means "none", as in `urllib`), else in upper case.
    static Optional<String> var(Map<String, String> env, String name) {
        String lower = env.get(name);
        String v = lower != null ? lower : env.get(name.toUpperCase(Locale.ROOT));
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /// Proxies from environment variables.
    static final class EnvironmentSelector extends ProxySelector {

        private final Map<String, String> env;

        EnvironmentSelector(Map<String, String> env) {
            this.env = Map.copyOf(env.entrySet().stream().filter(e -> e.getKey() != null && e.getValue() != null)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a)));
        }

        @Override
        public List<Proxy> select(URI uri) {
            String host = uri.getHost();
            if (host == null || bypassed(host, uri.getPort())) return List.of(Proxy.NO_PROXY);
            String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
            String name = scheme.equals("https") || scheme.equals("wss") ? "https_proxy" : "http_proxy";
            Optional<String> proxy = var(env, name).or(() -> var(env, "all_proxy"));
            if (proxy.isEmpty()) return List.of(Proxy.NO_PROXY);
            URI p = proxyUri(proxy.get());
            if (p.getHost() == null || !p.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
                return List.of(Proxy.NO_PROXY); // SOCKS and the like: the JDK's HTTP client speaks to HTTP proxies only
            }
            int port = p.getPort() != -1 ? p.getPort() : p.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.getHost(), port)));
        }

        /// `urllib`'s `proxy_bypass_environment`: `*`, or an entry equal to the host (or `host:port`) or a suffix
        /// of it at a dot; a leading dot in the entry is ignored.
        boolean bypassed(String host, int port) {
            Optional<String> list = var(env, "no_proxy");
            if (list.isEmpty()) return false;
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            String hostPort = port == -1 ? h : h + ":" + port;
            for (String raw : list.get().split(",")) {
                String entry = raw.strip().toLowerCase(Locale.ROOT);
                while (entry.startsWith(".")) entry = entry.substring(1);
                if (entry.isEmpty()) continue;
                if (entry.equals("*")) return true;
                for (String candidate : List.of(h, hostPort)) {
                    if (candidate.equals(entry) || candidate.endsWith("." + entry)) return true;
                }
            }
            return false;
        }

        static URI proxyUri(String value) {
            String v = value.contains("://") ? value : "http://" + value;
            try {
                return URI.create(v);
            } catch (IllegalArgumentException e) {
                return URI.create("http://invalid.invalid");
            }
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // nothing to remember: the request fails and is retried like any network failure
        }
    }
}
