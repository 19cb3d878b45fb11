package dev.karuku.engine.hub.fake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A decoded query string that keeps repeated keys (`expand=a&expand=b`, `expand[]=a`).
record Query(String raw, Map<String, List<String>> values) {

    static Query parse(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String part : raw.split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new Query(raw == null ? "" : raw, out);
    }

    String first(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /// All values of `key` and `key[]`, comma-separated ones split.
    List<String> all(String key) {
        List<String> out = new ArrayList<>();
        for (String k : List.of(key, key + "[]")) {
            for (String v : values.getOrDefault(k, List.of())) for (String s : v.split(",")) if (!s.isBlank()) out.add(s.strip());
        }
        return out;
    }

    boolean flag(String key) {
        return "true".equalsIgnoreCase(first(key)) || "1".equals(first(key));
    }

    /// The raw query without `cursor`, to rebuild a next-page link.
    String withoutCursor() {
        StringBuilder sb = new StringBuilder();
        for (String part : raw.split("&")) {
            if (part.isEmpty() || part.startsWith("cursor=")) continue;
            if (!sb.isEmpty()) sb.append('&');
            sb.append(part);
        }
        return sb.toString();
    }
}
