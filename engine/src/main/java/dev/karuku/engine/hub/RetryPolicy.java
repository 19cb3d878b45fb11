package dev.karuku.engine.hub;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// When and how long to wait before asking the Hub again: huggingface_hub's policy (1, 2, 4, 8, 8 s; a 429 waits
/// what its `RateLimit` or `Retry-After` header says, plus one second). 401, 403 and 404 are never retried: asking
/// again cannot change the answer.
///
/// @param backoff  one wait per retry; its size is the number of retries
/// @param maxWait  the longest single wait a server may ask for
/// @param sleeper  how to wait
public record RetryPolicy(List<Duration> backoff, Duration maxWait, Sleeper sleeper) {

    private static final Pattern RATE_LIMIT_T = Pattern.compile("(?:^|;)\\s*t=(\\d+)");
    private static final Pattern RATE_LIMIT_R = Pattern.compile("(?:^|;)\\s*r=(\\d+)");

    public RetryPolicy {
        backoff = List.copyOf(backoff);
    }

    public static RetryPolicy standard() {
        return standard(Sleeper.REAL);
    }

    public static RetryPolicy standard(Sleeper sleeper) {
        return new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(8)), Duration.ofMinutes(5), sleeper);
    }

    /// For requests a person sits waiting on (a search, a model's page): two retries (1, 2 s) and a rate limit's
    /// wait cut to 10 s, so an unreachable Hub is said in about 3 s, not after the 23 s [#standard()] spends
    /// before giving up. Downloads keep [#standard()]: they run in the background and resume.
    public static RetryPolicy interactive() {
        return new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), Duration.ofSeconds(10), Sleeper.REAL);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(List.of(), Duration.ZERO, Sleeper.REAL);
    }

    public int maxRetries() {
        return backoff.size();
    }

    /// Whether a response with this status is worth asking again.
    public static boolean retryable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /// The wait before retry number `attempt` (0-based) after a response with these headers.
    public Duration delay(int attempt, int status, HttpHeaders headers) {
        Duration base = backoff.get(Math.min(attempt, backoff.size() - 1));
        if (status != 429 || headers == null) return base;
        OptionalLong reset = rateLimitReset(headers.firstValue("RateLimit").orElse(""));
        if (reset.isPresent()) return cap(Duration.ofSeconds(reset.getAsLong() + 1));
        String retryAfter = headers.firstValue("Retry-After").orElse("").strip();
        if (retryAfter.matches("\\d{1,9}")) return cap(Duration.ofSeconds(Long.parseLong(retryAfter) + 1));
        return base;
    }

    /// `t` of a `RateLimit: "resolvers";r=0;t=55` header when the remaining count `r` is 0.
    static OptionalLong rateLimitReset(String header) {
        Matcher r = RATE_LIMIT_R.matcher(header);
        Matcher t = RATE_LIMIT_T.matcher(header);
        if (r.find() && Long.parseLong(r.group(1)) == 0 && t.find()) return OptionalLong.of(Long.parseLong(t.group(1)));
        return OptionalLong.empty();
    }

    private Duration cap(Duration d) {
        return d.compareTo(maxWait) > 0 ? maxWait : d;
    }
}
