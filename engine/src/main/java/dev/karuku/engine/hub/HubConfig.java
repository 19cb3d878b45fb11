package dev.karuku.engine.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/// Where the Hub is and who we are to it.
///
/// The token is a parameter because the app passes the one saved in its settings; [#fromEnvironment()] gives the
/// default that command-line users expect from other Hugging Face tools (`HF_ENDPOINT`, `HF_TOKEN`,
/// `HUGGING_FACE_HUB_TOKEN`, `$HF_TOKEN_PATH` or `$HF_HOME/token`). [#toString()] never shows the token.
///
/// @param endpoint the Hub's base URL without a trailing slash
/// @param token    the access token, if any; sent to the Hub's own origin only
/// @param timeout  connect and per-request timeout
/// @param offline  no network at all (`HF_HUB_OFFLINE`, as in other Hugging Face tools): every request fails at
///                 once with [HubException.Reason#OFFLINE]; installed models keep working
public record HubConfig(URI endpoint, Optional<String> token, Duration timeout, boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubConfig {
        String e = endpoint.toString();
        while (e.endsWith("/")) e = e.substring(0, e.length() - 1);
        endpoint = URI.create(e);
        token = token.map(String::strip).filter(t -> !t.isEmpty());
    }

    public HubConfig(URI endpoint, Optional<String> token, Duration timeout) {
        this(endpoint, token, timeout, false);
    }

    public static HubConfig of(String endpoint, String tokenOrNull) {
        return new HubConfig(URI.create(endpoint), Optional.ofNullable(tokenOrNull), Duration.ofSeconds(30));
    }

    /// The configuration other Hugging Face tools would use in this process's environment.
    public static HubConfig fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /// As [#fromEnvironment()] with an explicit environment (for tests and for the app, which may override).
    public static HubConfig fromEnvironment(Map<String, String> env, Path home) {
        String endpoint = nonBlank(env.get("HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT);
        return new HubConfig(URI.create(endpoint), tokenFrom(env, home), Duration.ofSeconds(30), isTrue(env.get("HF_HUB_OFFLINE")));
    }

    /// The same Hub with another token; `null` or blank falls back to none.
    public HubConfig withToken(String tokenOrNull) {
        return new HubConfig(endpoint, Optional.ofNullable(tokenOrNull), timeout, offline);
    }

    /// The token lookup order of huggingface_hub: `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, then the token file.
    static Optional<String> tokenFrom(Map<String, String> env, Path home) {
        Optional<String> direct = nonBlank(env.get("HF_TOKEN")).or(() -> nonBlank(env.get("HUGGING_FACE_HUB_TOKEN")));
        if (direct.isPresent()) return direct;
        Path file = nonBlank(env.get("HF_TOKEN_PATH")).map(Path::of).orElseGet(() -> hfHome(env, home).resolve("token"));
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /// `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`.
    public static Path hfHome(Map<String, String> env, Path home) {
        return nonBlank(env.get("HF_HOME")).map(Path::of)
                .or(() -> nonBlank(env.get("XDG_CACHE_HOME")).map(x -> Path.of(x, "huggingface")))
                .orElseGet(() -> home.resolve(".cache").resolve("huggingface"));
    }

    /// huggingface_hub's reading of a boolean variable: 1, ON, YES or TRUE, in any case.
    private static boolean isTrue(String s) {
        return s != null && java.util.Set.of("1", "ON", "YES", "TRUE").contains(s.strip().toUpperCase(java.util.Locale.ROOT));
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    @Override
    public String toString() {
        return "HubConfig[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "(set)" : "(none)")
                + (offline ? ", offline" : "") + "]";
    }
}
