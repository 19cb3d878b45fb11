package dev.karuku.engine.hub.fake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/// A model repo on the fake Hub, built fluently: `hub.addRepo("org/Model-GGUF").downloads(10).addFile(…)`.
public final class FakeRepo {

    final String id;
    final String sha;
    final Map<String, FakeFile> files = new LinkedHashMap<>();
    final Set<String> approvedTokens = ConcurrentHashMap.newKeySet();
    final List<String> tags = new ArrayList<>(List.of("gguf"));
    String gated = "false";
    boolean disabled;
    boolean privateRepo;
    long downloads;
    long likes;
    double trendingScore;
    Instant lastModified = Instant.parse("2025-03-12T10:30:05Z");
    Instant createdAt = Instant.parse("2025-03-01T00:00:00Z");
    String pipelineTag = "text-generation";
    String ggufArchitecture;
    long ggufContextLength;

    FakeRepo(String id) {
        this.id = id;
        this.sha = sha1Hex(id);
    }

    public String id() {
        return id;
    }

    /// The commit `main` points to (derived from the id, so it is stable across runs).
    public String sha() {
        return sha;
    }

    public FakeRepo downloads(long n) {
        downloads = n;
        return this;
    }

    public FakeRepo likes(long n) {
        likes = n;
        return this;
    }

    public FakeRepo trendingScore(double s) {
        trendingScore = s;
        return this;
    }

    public FakeRepo lastModified(Instant t) {
        lastModified = t;
        return this;
    }

    public FakeRepo pipelineTag(String tag) {
        pipelineTag = tag;
        return this;
    }

    /// Removes the default `gguf` tag (a repo that search with `filter=gguf` must not return).
    public FakeRepo untagged() {
        tags.clear();
        return this;
    }

    public FakeRepo tag(String tag) {
        tags.add(tag);
        return this;
    }

    /// `"auto"` or `"manual"`: downloads need a token in [#approve]; info and tree stay public, as on the Hub.
    public FakeRepo gated(String mode) {
        gated = mode;
        return this;
    }

    public FakeRepo approve(String token) {
        approvedTokens.add(token);
        return this;
    }

    public FakeRepo disabled() {
        disabled = true;
        return this;
    }

    /// Only callers with an approved token can see it; others get `401`/`404 RepoNotFound`.
    public FakeRepo privateRepo() {
        privateRepo = true;
        return this;
    }

    /// The Hub's parsed `gguf` summary for model info.
    public FakeRepo ggufSummary(String architecture, long contextLength) {
        ggufArchitecture = architecture;
        ggufContextLength = contextLength;
        return this;
    }

    /// Adds a file; `.gguf` files are stored as LFS (served from the CDN), others as small git files.
    public FakeRepo addFile(String path, byte[] bytes) {
        files.put(path, FakeFile.of(path, bytes, isLfs(path)));
        return this;
    }

    public FakeRepo addFile(String path, String text) {
        return addFile(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public FakeRepo addFile(String path, Path file) {
        files.put(path, FakeFile.of(path, file, isLfs(path)));
        return this;
    }

    public FakeFile file(String path) {
        return files.get(path);
    }

    private static boolean isLfs(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".gguf") || p.endsWith(".bin") || p.endsWith(".safetensors");
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
