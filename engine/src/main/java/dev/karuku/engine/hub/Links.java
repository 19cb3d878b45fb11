package dev.karuku.engine.hub;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Reads RFC 8288 `Link` headers such as `<https://…&cursor=…>; rel="next"`.
final class Links {

    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";,]+)\"?");

    private Links() {}

    static Optional<String> find(String header, String rel) {
        if (header == null) return Optional.empty();
        Matcher m = LINK.matcher(header);
        while (m.find()) {
            Matcher r = REL.matcher(m.group(2));
            while (r.find()) {
                for (String name : r.group(1).strip().split("\\s+")) if (name.equalsIgnoreCase(rel)) return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /// The `next` link resolved against the request URL; refused when it points away from the Hub, where the
    /// token must never go.
    static Optional<URI> next(HubResponse r, HubHttp http) throws HubException {
        Optional<String> link = find(r.header("Link"), "next");
        if (link.isEmpty()) return Optional.empty();
        URI next;
        try {
            next = r.uri().resolve(link.get());
        } catch (IllegalArgumentException e) {
            throw new HubException(HubException.Reason.BAD_RESPONSE, r.status(), "unreadable next-page link");
        }
        if (!http.isHubOrigin(next)) {
            throw new HubException(HubException.Reason.UNSAFE_REDIRECT, r.status(), "next page on " + next.getHost());
        }
        return Optional.of(next);
    }
}
