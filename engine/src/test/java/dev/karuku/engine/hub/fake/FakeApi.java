package dev.karuku.engine.hub.fake;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/// The fake Hub's own routes: `/api/models…` and `/{repo}/resolve/{rev}/{file}`.
final class FakeApi {

    private static final Set<String> DEFAULT_FIELDS = Set.of("_id", "id", "likes", "trendingScore", "private",
            "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "modelId");

    private final FakeHub hub;

    FakeApi(FakeHub hub) {
        this.hub = hub;
    }

    int handle(HttpExchange ex) throws IOException {
        FakeFaults f = hub.faults;
        if (FakeFaults.take(f.rateLimited)) {
            ex.getResponseHeaders().set("RateLimit", "\"api\";r=0;t=" + f.rateLimitSeconds);
            ex.getResponseHeaders().set("RateLimit-Policy", "\"fixed window\";\"api\";q=500;w=300");
            ex.getResponseHeaders().set("Retry-After", Integer.toString(f.rateLimitSeconds));
            return FakeHub.error(ex, 429, null, "You have been rate-limited");
        }
        if (FakeFaults.take(f.serverErrors)) return FakeHub.error(ex, f.serverErrorStatus, null, "Internal Error");
        if (ex.getRequestURI().getPath().startsWith("/api/")) {
            if (FakeFaults.take(f.apiStalls)) return stall(ex);
            if (FakeFaults.take(f.endlessApi)) return endless(ex, f);
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip() : null;
        if (auth != null && (token == null || !hub.tokenKnown(token))) {
            return FakeHub.error(ex, 401, null, "Invalid credentials in Authorization header");
        }
        List<String> seg = segments(ex.getRequestURI().getRawPath());
        Query q = Query.parse(ex.getRequestURI().getRawQuery());
        if (seg.size() == 2 && seg.get(0).equals("api") && seg.get(1).equals("models")) return search(ex, q);
        if (seg.size() >= 4 && seg.get(0).equals("api") && seg.get(1).equals("models")) {
            return repoApi(ex, seg.get(2) + "/" + seg.get(3), seg.subList(4, seg.size()), q, token);
        }
        if (seg.size() >= 5 && seg.get(2).equals("resolve")) {
            return resolve(ex, seg.get(0) + "/" + seg.get(1), seg.get(3), String.join("/", seg.subList(4, seg.size())), token);
        }
        return FakeHub.error(ex, 404, null, "Not Found");
    }

    private static int stall(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 4096);
        ex.getResponseBody().write('[');
        ex.getResponseBody().flush();
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("fake Hub: stalled answer given up");
    }

    private static int endless(HttpExchange ex, FakeFaults f) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        byte[] chunk = "{\"id\":\"someone/Endless-GGUF\",\"downloads\":1},".repeat(1500).getBytes(StandardCharsets.UTF_8);
        var out = ex.getResponseBody();
        out.write('[');
        for (long sent = 0; sent < (1L << 30); sent += chunk.length) { // until the client hangs up (1 GiB at most)
            out.write(chunk);
            f.endlessBytesSent.addAndGet(chunk.length);
        }
        throw new IOException("fake Hub: endless answer stopped");
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) if (!s.isEmpty()) out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        return out;
    }

    // --- search

    private int search(HttpExchange ex, Query q) throws IOException {
        List<String> tags = new ArrayList<>(q.all("filter"));
        tags.addAll(q.all("library"));
        String text = q.first("search");
        String author = q.first("author");
        List<String> apps = q.all("apps");
        List<FakeRepo> hits = new ArrayList<>();
        for (FakeRepo r : hub.allRepos()) {
            if (r.privateRepo) continue;
            if (text != null && !r.id.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT))) continue;
            if (author != null && !r.id.startsWith(author + "/")) continue;
            if (!r.tags.containsAll(tags)) continue;
            if (!apps.isEmpty() && !r.tags.contains("gguf")) continue;
            hits.add(r);
        }
        String sort = q.first("sort") == null ? "trendingScore" : q.first("sort");
        hits.sort(comparator(sort).reversed().thenComparing(r -> r.id));
        int limit = q.first("limit") == null ? 1000 : Integer.parseInt(q.first("limit"));
        int offset = q.first("cursor") == null ? 0 : decodeCursor(q.first("cursor"));
        List<FakeRepo> page = hits.subList(Math.min(offset, hits.size()), Math.min(offset + limit, hits.size()));
        if (offset + limit < hits.size()) {
            String origin = hub.faults.foreignNextLinkOrigin != null ? hub.faults.foreignNextLinkOrigin
                    : "http://" + ex.getRequestHeaders().getFirst("Host");
            String next = origin + "/api/models?" + q.withoutCursor() + "&cursor=" + encodeCursor(offset + limit);
            ex.getResponseHeaders().set("Link", "<" + next + ">; rel=\"next\"");
        }
        List<String> expand = q.all("expand");
        List<Map<String, Object>> items = new ArrayList<>();
        for (FakeRepo r : page) items.add(project(fields(r, false), expand));
        return FakeHub.json(ex, 200, items);
    }

    private static Comparator<FakeRepo> comparator(String sort) {
        return switch (sort) {
            case "downloads" -> Comparator.comparingLong(r -> r.downloads);
            case "likes" -> Comparator.comparingLong(r -> r.likes);
            case "lastModified" -> Comparator.comparing(r -> r.lastModified);
            case "createdAt" -> Comparator.comparing(r -> r.createdAt);
            default -> Comparator.comparingDouble(r -> r.trendingScore);
        };
    }

    private static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(String cursor) {
        String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        return Integer.parseInt(s.replaceAll("\\D", ""));
    }

    private static Map<String, Object> project(Map<String, Object> all, List<String> expand) {
        Map<String, Object> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            boolean keep = expand.isEmpty() ? DEFAULT_FIELDS.contains(k) : k.equals("_id") || k.equals("id") || expand.contains(k);
            if (keep) out.put(k, v);
        });
        return out;
    }

    private Map<String, Object> fields(FakeRepo r, boolean blobs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_id", r.sha.substring(0, 24));
        m.put("id", r.id);
        m.put("modelId", r.id);
        m.put("author", r.id.substring(0, r.id.indexOf('/')));
        m.put("sha", r.sha);
        m.put("lastModified", r.lastModified.toString());
        m.put("createdAt", r.createdAt.toString());
        m.put("private", r.privateRepo);
        m.put("gated", "false".equals(r.gated) ? (Object) false : r.gated);
        m.put("disabled", r.disabled);
        m.put("downloads", r.downloads);
        m.put("likes", r.likes);
        m.put("trendingScore", r.trendingScore);
        m.put("library_name", "gguf");
        m.put("pipeline_tag", r.pipelineTag);
        m.put("tags", r.tags);
        m.put("cardData", Map.of("license", "apache-2.0"));
        if (r.ggufArchitecture != null) {
            m.put("gguf", Map.of("architecture", r.ggufArchitecture, "context_length", r.ggufContextLength,
                    "total", 1_000_000L, "chat_template", "{{ messages }}"));
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (FakeFile f : r.files.values()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rfilename", f.path());
            if (blobs) {
                s.put("size", f.size());
                s.put("blobId", f.gitSha1());
                if (f.lfs()) s.put("lfs", Map.of("sha256", f.sha256(), "size", f.size(), "pointerSize", 134));
            }
            siblings.add(s);
        }
        m.put("siblings", siblings);
        return m;
    }

    // --- repo routes

    private int repoApi(HttpExchange ex, String id, List<String> rest, Query q, String token) throws IOException {
        String target = hub.renamed.get(id);
        if (target != null) {
            String raw = ex.getRequestURI().getRawPath().replace(id, target);
            ex.getResponseHeaders().set("Location", raw + (q.raw().isEmpty() ? "" : "?" + q.raw()));
            return FakeHub.send(ex, 307, "text/plain", "Temporary Redirect".getBytes(StandardCharsets.UTF_8));
        }
        FakeRepo r = hub.repos.get(id);
        if (r == null || r.privateRepo && (token == null || !r.approvedTokens.contains(token))) return repoNotFound(ex, token);
        if (rest.isEmpty()) return info(ex, r, "main", q);
        return switch (rest.getFirst()) {
            case "revision" -> rest.size() >= 2 ? info(ex, r, String.join("/", rest.subList(1, rest.size())), q) : notFound(ex);
            case "refs" -> FakeHub.json(ex, 200, Map.of("branches", List.of(Map.of("name", "main", "ref", "refs/heads/main",
                    "targetCommit", r.sha)), "converts", List.of(), "tags", List.of()));
            case "auth-check" -> {
                Integer denied = gateDenied(ex, r, token);
                yield denied != null ? denied : FakeHub.json(ex, 200, Map.of("ok", true));
            }
            case "tree" -> rest.size() >= 2 ? tree(ex, r, rest.get(1), String.join("/", rest.subList(2, rest.size())), q) : notFound(ex);
            default -> notFound(ex);
        };
    }

    private int info(HttpExchange ex, FakeRepo r, String rev, Query q) throws IOException {
        if (!knownRevision(r, rev)) return FakeHub.error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
        Map<String, Object> all = fields(r, q.flag("blobs"));
        List<String> expand = q.all("expand");
        return FakeHub.json(ex, 200, expand.isEmpty() ? all : project(all, expand));
    }

    private int tree(HttpExchange ex, FakeRepo r, String rev, String path, Query q) throws IOException {
        if (!knownRevision(r, rev)) return FakeHub.error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
        boolean recursive = q.flag("recursive");
        String prefix = path.isEmpty() ? "" : path + "/";
        TreeMap<String, Map<String, Object>> entries = new TreeMap<>();
        for (FakeFile f : r.files.values()) {
            if (!f.path().startsWith(prefix)) continue;
            String rel = f.path().substring(prefix.length());
            String[] parts = rel.split("/");
            for (int i = 1; i < parts.length; i++) {
                if (!recursive && i > 1) break;
                String dir = prefix + String.join("/", Arrays.copyOf(parts, i));
                entries.putIfAbsent(dir, Map.of("type", "directory", "oid", FakeRepo.sha1Hex(dir), "size", 0, "path", dir));
            }
            if (!recursive && parts.length > 1) continue;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", "file");
            e.put("oid", f.gitSha1());
            e.put("size", f.size());
            if (f.lfs()) {
                e.put("lfs", Map.of("oid", f.sha256(), "size", f.size(), "pointerSize", 134));
                e.put("xetHash", FakeRepo.sha1Hex(f.sha256()) + "000000000000000000000000");
            }
            e.put("path", f.path());
            entries.put(f.path(), e);
        }
        if (entries.isEmpty() && !path.isEmpty()) return FakeHub.error(ex, 404, "EntryNotFound", "Entry not found");
        List<Map<String, Object>> all = new ArrayList<>(entries.values());
        int offset = q.first("cursor") == null ? 0 : decodeCursor(q.first("cursor"));
        int size = hub.treePageSize;
        if (offset + size < all.size()) {
            String next = "http://" + ex.getRequestHeaders().getFirst("Host") + ex.getRequestURI().getRawPath() + "?"
                    + q.withoutCursor() + "&cursor=" + encodeCursor(offset + size);
            ex.getResponseHeaders().set("Link", "<" + next + ">; rel=\"next\"");
        }
        return FakeHub.json(ex, 200, all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size())));
    }

    // --- resolve

    private int resolve(HttpExchange ex, String id, String rev, String path, String token) throws IOException {
        String target = hub.renamed.get(id);
        if (target != null) {
            ex.getResponseHeaders().set("Location", ex.getRequestURI().getRawPath().replace(id, target));
            return FakeHub.send(ex, 307, "text/plain", new byte[0]);
        }
        FakeRepo r = hub.repos.get(id);
        if (r == null || r.privateRepo && (token == null || !r.approvedTokens.contains(token))) return repoNotFound(ex, token);
        if (r.disabled) return FakeHub.error(ex, 403, null, "Access to this resource is disabled.");
        Integer denied = gateDenied(ex, r, token);
        if (denied != null) return denied;
        if (!knownRevision(r, rev)) return FakeHub.error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
        FakeFile f = r.files.get(path);
        ex.getResponseHeaders().set("X-Repo-Commit", r.sha);
        if (f == null) return FakeHub.error(ex, 404, "EntryNotFound", "Entry not found");
        if (!f.lfs()) {
            ex.getResponseHeaders().set("ETag", "\"" + f.gitSha1() + "\"");
            return hub.cdn.serve(ex, f, false);
        }
        ex.getResponseHeaders().set("X-Linked-Etag", "\"" + f.sha256() + "\"");
        ex.getResponseHeaders().set("X-Linked-Size", Long.toString(f.size()));
        if (hub.faults.xetHeaders) {
            ex.getResponseHeaders().set("X-Xet-Hash", f.sha256());
            ex.getResponseHeaders().set("Link", "<" + hub.endpoint() + "/api/models/" + id + "/xet-read-token/" + r.sha
                    + ">; rel=\"xet-auth\", <http://cas-server.invalid/v1/reconstructions/" + f.sha256()
                    + ">; rel=\"xet-reconstruction-info\"");
        }
        ex.getResponseHeaders().set("Location", hub.cdn.signedUrl(f));
        return FakeHub.send(ex, 302, "text/plain; charset=utf-8", "Found. Redirecting".getBytes(StandardCharsets.UTF_8));
    }

    private Integer gateDenied(HttpExchange ex, FakeRepo r, String token) throws IOException {
        if ("false".equals(r.gated) || token != null && r.approvedTokens.contains(token)) return null;
        if (token == null) {
            return FakeHub.error(ex, 401, "GatedRepo", "Access to model " + r.id + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
        }
        return FakeHub.error(ex, 403, "GatedRepo", "Access to model " + r.id + " is restricted and you are not in the authorized list. Visit https://huggingface.co/" + r.id + " to ask for access.");
    }

    private static boolean knownRevision(FakeRepo r, String rev) {
        return rev.equals("main") || rev.equals("refs/heads/main") || rev.equals(r.sha);
    }

    private static int repoNotFound(HttpExchange ex, String token) throws IOException {
        return token == null ? FakeHub.error(ex, 401, "RepoNotFound", "Invalid username or password.")
                : FakeHub.error(ex, 404, "RepoNotFound", "Repository not found");
    }

    private static int notFound(HttpExchange ex) throws IOException {
        return FakeHub.error(ex, 404, null, "Not Found");
    }
}
