package dev.karuku.engine.hub;

import dev.karuku.engine.hub.fake.FakeHub;
import dev.karuku.engine.hub.fake.TestRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HubProxiesTest {

    @TempDir
    Path dir;

    static String proxyOf(Map<String, String> env, String url) {
        Proxy p = HubProxies.fromEnvironment(env).select(URI.create(url)).getFirst();
        if (p.type() == Proxy.Type.DIRECT) return "DIRECT";
        InetSocketAddress a = (InetSocketAddress) p.address();
        return a.getHostString() + ":" + a.getPort();
    }

    @Test
    void environmentVariablesChooseTheProxyAsHuggingfaceHubDoes() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy.example.com:3128", "HTTP_PROXY", "plain.example.com:8080");
        assertThat(proxyOf(env, "https://huggingface.co/api/models")).isEqualTo("proxy.example.com:3128");
        assertThat(proxyOf(env, "http://mirror.example.org/api/models")).isEqualTo("plain.example.com:8080");
        assertThat(proxyOf(Map.of("https_proxy", "http://lower.example.com:1", "HTTPS_PROXY", "http://upper.example.com:2"),
                "https://huggingface.co/")).as("lower case first").isEqualTo("lower.example.com:1");
        assertThat(proxyOf(Map.of("ALL_PROXY", "http://all.example.com:9"), "https://huggingface.co/")).isEqualTo("all.example.com:9");
        assertThat(proxyOf(Map.of("HTTPS_PROXY", "http://p.example.com"), "https://huggingface.co/")).isEqualTo("p.example.com:80");
    }

    @Test
    void noProxyListsHostsDomainsPortsAndStar() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://proxy.example.com:3128", "NO_PROXY", " .corp.example, cdn.example.net:8443 ,localhost");
        assertThat(proxyOf(env, "https://hub.corp.example/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(env, "https://corp.example/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(env, "https://notcorp.example/x")).isEqualTo("proxy.example.com:3128");
        assertThat(proxyOf(env, "https://cdn.example.net:8443/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(env, "https://cdn.example.net/x")).isEqualTo("proxy.example.com:3128");
        assertThat(proxyOf(env, "https://LOCALHOST:8080/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(Map.of("https_proxy", "http://p.example.com:1", "no_proxy", "*"), "https://huggingface.co/")).isEqualTo("DIRECT");
    }

    @Test
    void withoutVariablesTheOperatingSystemsSettingsAreUsed() {
        ProxySelector s = HubProxies.fromEnvironment(Map.of());
        assertThat(s).isInstanceOf(HubProxies.SystemSelector.class);
        assertThat(s.select(URI.create("https://huggingface.co/"))).isEqualTo(ProxySelector.getDefault().select(URI.create("https://huggingface.co/")));
        assertThat(System.getProperty("java.net.useSystemProxies")).isEqualTo("true");
    }

    @Test
    void requestsGoThroughTheProxyFromTheEnvironmentUnlessNoProxyNamesTheHost() throws Exception {
        try (FakeHub hub = FakeHub.start(); LoopbackProxy proxy = new LoopbackProxy()) {
            TestRepos.addTinyRepo(hub, dir);
            HubConfig config = HubConfig.of(hub.endpoint(), null);
            HubClient via = new HubClient(config, RetryPolicy.standard(d -> {}), HubProxies.fromEnvironment(Map.of("HTTP_PROXY", proxy.url())));
            assertThat(via.search(new SearchQuery("Tiny", SearchSort.DOWNLOADS, 5)).models()).extracting(ModelSummary::id).contains(TestRepos.TINY);
            assertThat(proxy.requests()).singleElement().asString().startsWith("GET " + hub.endpoint() + "/api/models?");

            HubClient direct = new HubClient(config, RetryPolicy.standard(d -> {}),
                    HubProxies.fromEnvironment(Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "127.0.0.1")));
            assertThat(direct.search(new SearchQuery("Tiny", SearchSort.DOWNLOADS, 5)).models()).isNotEmpty();
            assertThat(proxy.requests()).hasSize(1);
        }
    }
}
