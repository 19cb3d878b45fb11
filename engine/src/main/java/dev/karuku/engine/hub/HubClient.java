package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/// The Hugging Face Hub's HTTP API, as far as a GGUF desktop client needs it: search, model info, the file tree
/// at a pinned commit, refs, access checks, the model card, and where to fetch a file's bytes.
///
/// Always pin: take [ModelInfo#sha()] and pass that commit to [#tree], [#resolve] and [#readme], so every file
/// comes from the same version even if the repo changes meanwhile.
public final class HubClient {

    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final String SEARCH_FIELDS = String.join("&", List.of("author", "downloads", "likes", "trendingScore",
            "gated", "lastModified", "pipeline_tag", "tags").stream().map(f -> "expand%5B%5D=" + f).toList());

    /// The most an API answer (search page, model info, file list page) may hold; real ones are well under 1 MiB.
    static final int MAX_API_BYTES = 32 << 20;
    /// The most of a model card that is read; a longer one is cut there.
    static final int MAX_CARD_BYTES = 4 << 20;

    private final HubHttp http;
    private final Optional<String> initialToken;

    public HubClient(HubConfig config) {
        this(config, RetryPolicy.standard());
    }

    public HubClient(HubConfig config, RetryPolicy retry) {
        this(config, retry, HubProxies.fromEnvironment(System.getenv()));
    }

    /// @param proxies how to reach the Hub: [HubProxies#fromEnvironment] for the environment's proxy variables,
    ///                else the operating system's settings
    public HubClient(HubConfig config, RetryPolicy retry, java.net.ProxySelector proxies) {
        this.http = new HubHttp(config, retry, proxies);
        this.initialToken = config.token();
    }

    public HubHttp http() {
        return http;
    }

    public HubConfig config() {
        return http.config();
    }

    /// Uses `tokenOrBlank` from the next request on, for everything this client does — searches, and the downloads
    /// of every [dev.karuku.engine.download.DownloadManager] built on it, so a token added in Settings serves the
    /// next request and Retry at once. Blank or `null` goes back to the token this client was created with (the
    /// environment's, for the command line and the app's default).
    public void useToken(String tokenOrBlank) {
        http.useToken(tokenOrBlank == null || tokenOrBlank.isBlank() ? initialToken : Optional.of(tokenOrBlank.strip()));
    }

    /// First page of GGUF repos matching the query.
    public SearchPage search(SearchQuery q) throws IOException {
        String url = "/api/models?filter=gguf&sort=" + q.sort().apiName() + "&limit=" + q.limit()
                + (q.text().isEmpty() ? "" : "&search=" + enc(q.text())) + "&" + SEARCH_FIELDS;
        return searchPage(api(url));
    }

    /// The page after `page`, following the Hub's `Link` verbatim.
    public SearchPage next(SearchPage page) throws IOException {
        return searchPage(page.next().orElseThrow(() -> new IllegalStateException("no next page")));
    }

    private SearchPage searchPage(URI uri) throws IOException {
        try (HubResponse r = ok(api(uri), "search")) {
            Optional<URI> next = Links.next(r, http);
            return new SearchPage(ModelSummary.parseList(Json.parse(r.readAll(), "search results")), next);
        }
    }

    /// Model info of the repo's main branch, with file sizes and SHA-256s (`blobs=true`).
    public ModelInfo modelInfo(String repo) throws IOException {
        return modelInfo(repo, null);
    }

    /// Model info at a revision (branch, tag or commit); `null` for the default branch.
    public ModelInfo modelInfo(String repo, String revision) throws IOException {
        String path = "/api/models/" + checkRepo(repo) + (revision == null ? "" : "/revision/" + enc(revision)) + "?blobs=true";
        try (HubResponse r = ok(api(api(path)), repo)) {
            return ModelInfo.parse(Json.parse(r.readAll(), repo));
        }
    }

    /// Every file of the repo at `commit`, all sub-folders included, following the tree's pagination.
    public List<RepoFile> tree(String repo, String commit) throws IOException {
        List<RepoFile> files = new ArrayList<>();
        Optional<URI> page = Optional.of(api("/api/models/" + checkRepo(repo) + "/tree/" + enc(commit) + "?recursive=true&expand=false"));
        while (page.isPresent()) {
            try (HubResponse r = ok(api(page.get()), repo)) {
                page = Links.next(r, http);
                for (JsonNode e : Json.parse(r.readAll(), repo + " file list")) {
                    RepoFile f = RepoFile.fromTreeEntry(e);
                    if (f != null) files.add(f);
                }
            }
        }
        return files;
    }

    public Refs refs(String repo) throws IOException {
        try (HubResponse r = ok(api(api("/api/models/" + checkRepo(repo) + "/refs")), repo)) {
            return Refs.parse(Json.parse(r.readAll(), repo + " refs"));
        }
    }

    /// Whether this token may download the repo's files (gated repos show their info to everyone).
    public Access authCheck(String repo) throws IOException {
        try (HubResponse r = api(api("/api/models/" + checkRepo(repo) + "/auth-check"))) {
            if (r.status() / 100 == 2) return Access.GRANTED;
            HubException e = HubErrors.from(r, tokenSent(), repo);
            return switch (e.reason()) {
                case GATED_NEEDS_TOKEN -> Access.GATED_NEEDS_TOKEN;
                case GATED_NOT_APPROVED -> Access.GATED_NOT_APPROVED;
                default -> throw e;
            };
        }
    }

    /// The model card (`README.md`) at `commit` (its first 4 MiB), or empty when the repo has none.
    public Optional<String> readme(String repo, String commit) throws IOException {
        try (HubResponse r = http.getBuffered(resolveUrl(repo, commit, "README.md"), Map.of(), MAX_CARD_BYTES, true)) {
            if (r.status() == 404) {
                r.close();
                return Optional.empty();
            }
            ok(r, repo + "/README.md");
            return Optional.of(new String(r.readAll(), StandardCharsets.UTF_8));
        }
    }

    /// Where to fetch a file's bytes: follows the Hub's own redirects and stops at the first one to another origin
    /// (a signed CDN URL), which is returned without being requested.
    public ResolvedFile resolve(String repo, String commit, String path) throws IOException {
        URI current = resolveUrl(repo, commit, path);
        Optional<String> linkedEtag = Optional.empty();
        Optional<String> repoCommit = Optional.empty();
        long linkedSize = -1;
        for (int hop = 0; hop < 10; hop++) {
            try (HubResponse r = http.send("HEAD", current, Map.of("Accept-Encoding", "identity"), false)) {
                if (r.header("X-Repo-Commit") != null) repoCommit = Optional.of(r.header("X-Repo-Commit"));
                if (r.header("X-Linked-Etag") != null) linkedEtag = Optional.of(unquote(r.header("X-Linked-Etag")));
                if (r.longHeader("X-Linked-Size").isPresent()) linkedSize = r.longHeader("X-Linked-Size").getAsLong();
                if (HubHttp.isRedirect(r.status()) && r.header("Location") != null) {
                    URI next = current.resolve(r.header("Location").strip());
                    if (!http.isHubOrigin(next)) return new ResolvedFile(next, repoCommit, linkedEtag, linkedSize);
                    current = next;
                    continue;
                }
                if (r.status() / 100 != 2) throw HubErrors.from(r, tokenSent(), repo + "/" + path);
                Optional<String> etag = linkedEtag.or(() -> Optional.ofNullable(r.header("ETag")).map(HubClient::unquote));
                long size = linkedSize >= 0 ? linkedSize : r.longHeader("Content-Length").orElse(-1);
                return new ResolvedFile(current, repoCommit, etag, size);
            }
        }
        throw new HubException(HubException.Reason.BAD_RESPONSE, 0, "too many redirects for " + path);
    }

    /// GETs `location` (from [#resolve]) from byte `from` on (to `toInclusive`, or the end when negative).
    /// The answer is returned as is (206, 200, 416, 403 …): the caller decides what each means for it.
    public HubResponse openRange(URI location, long from, long toInclusive) throws IOException {
        String range = "bytes=" + from + "-" + (toInclusive >= 0 ? Long.toString(toInclusive) : "");
        Map<String, String> h = from == 0 && toInclusive < 0 ? Map.of("Accept-Encoding", "identity")
                : Map.of("Range", range, "Accept-Encoding", "identity");
        return http.get(location, h);
    }

    /// Turns an error answer into a [HubException] (for callers of [#openRange]).
    public HubException error(HubResponse r, String what) {
        return HubErrors.from(r, tokenSent(), what);
    }

    public URI resolveUrl(String repo, String commit, String path) {
        StringBuilder p = new StringBuilder("/").append(checkRepo(repo)).append("/resolve/").append(enc(commit));
        for (String seg : path.split("/")) p.append('/').append(enc(seg).replace("+", "%20"));
        return api(p.toString());
    }

    /// An API answer, read whole (at most [#MAX_API_BYTES]).
    private HubResponse api(URI uri) throws IOException {
        return http.getBuffered(uri, json(), MAX_API_BYTES, false);
    }

    private HubResponse ok(HubResponse r, String what) throws HubException {
        if (r.status() / 100 == 2) return r;
        throw HubErrors.from(r, tokenSent(), what);
    }

    private boolean tokenSent() {
        return http.config().token().isPresent();
    }

    private URI api(String pathAndQuery) {
        return URI.create(http.config().endpoint() + pathAndQuery);
    }

    private static Map<String, String> json() {
        return Map.of("Accept", "application/json");
    }

    static String checkRepo(String repo) {
        if (repo == null || !REPO_ID.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("not a model name: \"" + repo + "\" (expected owner/name, e.g. ggml-org/gemma-3-1b-it-GGUF)");
        }
        return repo;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String unquote(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }
}
